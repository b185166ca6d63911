/* Maps drawn with the bundled Leaflet from a page's JSON endpoint.
 *
 * The page holds <div class="map" data-source="..." data-kind="stations|points">;
 * this script fetches the data, draws the uploaded area outlines as the base
 * layer (tiles only when the deployment configured a tile server), then the
 * stations or reported points with a popup each. Popups are built as DOM nodes,
 * never from HTML strings, so names in the data cannot inject markup.
 */
(function () {
  "use strict";

  var COLOURS = { sampled: "#8a94a6", reported: "#1a7f37", incident: "#b42318", point: "#1f5fbf" };

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function link(href, text) {
    var anchor = element("a", text);
    anchor.href = href;
    return anchor;
  }

  function listItem(child) {
    var item = element("li");
    item.appendChild(child);
    return item;
  }

  function stationPopup(station, labels) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("strong", station.code + " " + station.name));
    box.appendChild(element("div", station.area, "muted"));
    box.appendChild(link(station.url, labels.record));
    if (station.reports.length) {
      var list = element("ul");
      station.reports.forEach(function (report) {
        var text = labels.report + " " + report.id + " (" + report.phase + ")";
        list.appendChild(listItem(link(report.url, text)));
      });
      if (station.report_count > station.reports.length) {
        list.appendChild(element("li", labels.more));
      }
      box.appendChild(list);
    }
    return box;
  }

  function pointPopup(point, labels) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("strong", point.station + " " + point.station_name));
    box.appendChild(element("div", point.question_label, "muted"));
    box.appendChild(link(point.url, labels.report + " " + point.report));
    return box;
  }

  function marker(lat, lon, colour, className) {
    return L.circleMarker([lat, lon], {
      radius: 7, color: "#1d2330", weight: 1, fillColor: colour, fillOpacity: 0.9,
      className: className
    });
  }

  function areaLayer(areas) {
    if (!areas || !areas.features || !areas.features.length) { return null; }
    return L.geoJSON(areas, {
      style: { color: "#5b6475", weight: 1, fillColor: "#dfe4ec", fillOpacity: 0.5 },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.name, { sticky: true });
      }
    });
  }

  function stationMarkers(data, labels) {
    return data.stations.filter(function (s) { return s.lat !== null; }).map(function (s) {
      return marker(s.lat, s.lon, COLOURS[s.state], "map-marker state-" + s.state)
        .bindPopup(stationPopup(s, labels));
    });
  }

  function pointMarkers(data, labels) {
    return data.points.map(function (p) {
      return marker(p.lat, p.lon, COLOURS.point, "map-marker state-point")
        .bindPopup(pointPopup(p, labels));
    });
  }

  function routeLayer(routes) {
    return L.layerGroup(routes.map(function (route) {
      return L.polyline(route.points, { color: "#1f5fbf", weight: 3, dashArray: "6 4",
                                         className: "map-route" })
        .bindTooltip(route.team + " · " + route.day, { sticky: true });
    }));
  }

  function toggleRoutes(map, routes) {
    var box = document.getElementById("show-routes");
    if (!box || !routes.length) { return; }
    var layer = routeLayer(routes);
    function apply() {
      if (box.checked) { layer.addTo(map); } else { layer.remove(); }
    }
    box.addEventListener("change", apply);
    apply();
  }

  function fit(map, markers, areas) {
    var bounds = markers.length ? L.featureGroup(markers).getBounds() : null;
    if (!bounds && areas) { bounds = areas.getBounds(); }
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    } else {
      map.setView([0, 0], 2);
    }
  }

  function draw(container, data) {
    var labels = {
      record: container.dataset.labelRecord,
      report: container.dataset.labelReport,
      more: container.dataset.labelReportsMore
    };
    var map = L.map(container);
    if (container.dataset.tiles) {
      L.tileLayer(container.dataset.tiles, {
        attribution: container.dataset.attribution, maxZoom: 19
      }).addTo(map);
    }
    var areas = areaLayer(data.areas);
    var stations = container.dataset.kind === "stations";
    var markers = stations ? stationMarkers(data, labels) : pointMarkers(data, labels);
    // Vector layers need the map's view before they are added.
    fit(map, markers, areas);
    if (areas) { areas.addTo(map); }
    if (stations) { toggleRoutes(map, data.routes); }
    markers.forEach(function (m) { m.addTo(map); });
    container.dataset.ready = "true";
  }

  function fail(container, error) {
    if (window.console) { console.error(error); }
    container.replaceChildren(element("p", container.dataset.labelFailed, "empty"));
  }

  function load(container) {
    fetch(container.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function (error) { fail(container, error); });
  }

  document.querySelectorAll(".map[data-source]").forEach(load);
})();
