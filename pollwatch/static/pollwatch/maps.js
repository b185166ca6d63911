/* Maps drawn with the bundled Leaflet from a page's data.
 *
 * The page holds <div class="map" data-kind="stations|points|incidents|station|shares">
 * with either data-source (a JSON endpoint the script fetches) or data-embedded
 * (the id of a <script type="application/json"> the page wrote with json_script).
 * The script draws the uploaded area outlines as the base layer (tiles only when
 * the deployment configured a tile server), then the kind's markers or shaded
 * areas with a popup each. Popups are built as DOM nodes, never from HTML
 * strings, so names in the data cannot inject markup.
 */
(function () {
  "use strict";

  var COLOURS = {
    sampled: "#8a94a6", reported: "#1a7f37", incident: "#b42318", point: "#1f5fbf",
    station: "#1f5fbf", new: "#b42318", in_hand: "#b54708", resolved: "#1a7f37",
    dismissed: "#8a94a6"
  };
  var NO_SHARE = "#dddddd";

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
    box.appendChild(link(station.url, labels.labelRecord));
    if (station.reports.length) {
      var list = element("ul");
      station.reports.forEach(function (report) {
        var text = labels.labelReport + " " + report.id + " (" + report.phase + ")";
        list.appendChild(listItem(link(report.url, text)));
      });
      if (station.report_count > station.reports.length) {
        list.appendChild(element("li", labels.labelReportsMore));
      }
      box.appendChild(list);
    }
    return box;
  }

  function pointPopup(point, labels) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("strong", point.station + " " + point.station_name));
    box.appendChild(element("div", point.question_label, "muted"));
    box.appendChild(link(point.url, labels.labelReport + " " + point.report));
    return box;
  }

  function incidentPopup(station, labels) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("strong", station.code + " " + station.name));
    box.appendChild(link(station.url, labels.labelRecord));
    var list = element("ul");
    station.incidents.forEach(function (incident) {
      var text = labels.labelIncident + " " + incident.id + " (" + incident.status_label + ")";
      list.appendChild(listItem(link(incident.url, text)));
    });
    if (station.incident_count > station.incidents.length) {
      list.appendChild(element("li", labels.labelIncidentsMore));
    }
    box.appendChild(list);
    return box;
  }

  function percent(value) {
    return value.toFixed(1) + "%";
  }

  function shareBox(name, share, labels) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("strong", name));
    if (!share) {
      box.appendChild(element("div", labels.labelNoAnswers, "muted"));
      return box;
    }
    box.appendChild(element("div", labels.labelShare + " " + percent(share.share_pct)));
    box.appendChild(element("div", share.low_pct === null ? labels.labelNoInterval
      : labels.labelInterval + " " + share.low_pct.toFixed(1) + "–" + percent(share.high_pct)));
    box.appendChild(element("div", labels.labelBase + " " + share.base));
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

  function located(items) {
    return items.filter(function (item) { return item.lat !== null; });
  }

  function stationMarkers(data, labels) {
    return located(data.stations).map(function (s) {
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

  function incidentMarkers(data, labels) {
    return located(data.stations).map(function (s) {
      return marker(s.lat, s.lon, COLOURS[s.status], "map-marker status-" + s.status)
        .bindPopup(incidentPopup(s, labels));
    });
  }

  function shareLayer(data, labels) {
    var byCode = {};
    data.shares.forEach(function (share) { byCode[share.code] = share; });
    return L.geoJSON(data.areas, {
      style: function (feature) {
        var share = byCode[feature.properties.code];
        return { color: "#1d2330", weight: 1, fillOpacity: 0.85,
                 fillColor: share ? share.fill : NO_SHARE, className: "map-share" };
      },
      onEachFeature: function (feature, layer) {
        var share = byCode[feature.properties.code];
        layer.bindTooltip(shareBox(feature.properties.name, share, labels), { sticky: true });
        layer.bindPopup(shareBox(feature.properties.name, share, labels));
      }
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

  function drawMarkers(map, data, markers) {
    var areas = areaLayer(data.areas);
    // Vector layers need the map's view before they are added.
    fit(map, markers, areas);
    if (areas) { areas.addTo(map); }
    markers.forEach(function (m) { m.addTo(map); });
  }

  function drawStation(map, data) {
    var station = data.station;
    var areas = areaLayer(data.areas);
    var zoom = areas ? Math.min(map.getBoundsZoom(areas.getBounds()), 14) : 14;
    map.setView([station.lat, station.lon], zoom);
    if (areas) { areas.addTo(map); }
    marker(station.lat, station.lon, COLOURS.station, "map-marker state-station")
      .bindTooltip(station.code + " " + station.name).addTo(map);
  }

  function drawShares(map, data, labels) {
    var shaded = L.geoJSON(data.areas);
    fit(map, [], shaded);
    shareLayer(data, labels).addTo(map);
  }

  var KINDS = {
    stations: function (map, data, labels) {
      drawMarkers(map, data, stationMarkers(data, labels));
      toggleRoutes(map, data.routes);
    },
    points: function (map, data, labels) { drawMarkers(map, data, pointMarkers(data, labels)); },
    incidents: function (map, data, labels) {
      drawMarkers(map, data, incidentMarkers(data, labels));
    },
    station: drawStation,
    shares: drawShares
  };

  function draw(container, data) {
    var map = L.map(container);
    if (container.dataset.tiles) {
      L.tileLayer(container.dataset.tiles, {
        attribution: container.dataset.attribution, maxZoom: 19
      }).addTo(map);
    }
    KINDS[container.dataset.kind](map, data, container.dataset);
    container.dataset.ready = "true";
  }

  function fail(container, error) {
    if (window.console) { console.error(error); }
    container.replaceChildren(element("p", container.dataset.labelFailed, "empty"));
  }

  function fetched(container) {
    return fetch(container.dataset.source, {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  function embedded(container) {
    return new Promise(function (resolve) {
      resolve(JSON.parse(document.getElementById(container.dataset.embedded).textContent));
    });
  }

  function load(container) {
    (container.dataset.embedded ? embedded(container) : fetched(container))
      .then(function (data) { draw(container, data); })
      .catch(function (error) { fail(container, error); });
  }

  function loadAll() {
    document.querySelectorAll(".map[data-source], .map[data-embedded]").forEach(load);
  }

  // The page's embedded data may follow the script that draws it.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", loadAll);
  } else {
    loadAll();
  }
})();
