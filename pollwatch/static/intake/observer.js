/*
 * The observer's offline form. Every form is the XForm a device gets, rendered by the
 * Enketo engine; a report is its instance XML (and the photos taken), kept in an
 * IndexedDB outbox under its instanceID until the server acknowledges it. Sending
 * again after a lost response is harmless because the server answers a known
 * instanceID with the first receipt. Nothing is ever dropped from the outbox
 * automatically: rejected reports stay visible for the observer to fix.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("observer-config").textContent);
  var lang = config.language || "en";
  var DB_NAME = "pollwatch-observer";
  var MAX_DELAY_MS = 60000;
  var STATION_FIELD = "pollwatch_station";
  var state = { assignment: null, offered: [], forms: {}, outbox: [], syncing: false, open: null };
  var engine = null;

  function loadEngine() {
    // The engine is an ES module; loaded once, from the service worker's cache when offline.
    if (!engine) { engine = import(config.engine); }
    return engine;
  }

  // ---- IndexedDB -----------------------------------------------------------
  function openDatabase() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("outbox", { keyPath: "key" });
        db.createObjectStore("cache", { keyPath: "name" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  var dbPromise = openDatabase();

  function store(name, mode, action) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result = action(transaction.objectStore(name));
        transaction.oncomplete = function () { resolve(result && result.result); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }
  function putItem(item) { return store("outbox", "readwrite", function (s) { return s.put(item); }); }
  function getItem(key) { return store("outbox", "readonly", function (s) { return s.get(key); }); }
  function allItems() { return store("outbox", "readonly", function (s) { return s.getAll(); }); }
  function cachePut(name, value) {
    return store("cache", "readwrite", function (s) { return s.put({ name: name, value: value }); });
  }
  function cacheGet(name) {
    return store("cache", "readonly", function (s) { return s.get(name); })
      .then(function (row) { return row ? row.value : null; });
  }

  // ---- small DOM functions ----------------------------------------------------
  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attributes[name]; } else { node.setAttribute(name, attributes[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function $(id) { return document.getElementById(id); }

  // ---- loading the assignment and forms (network first, cache when offline) --
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { cachePut(url, data); return data; })
      .catch(function () { return cacheGet(url); });
  }

  function formUrl(code) { return config.forms + encodeURIComponent(code) + "/form.xml"; }

  /* The XForm of an offered form: the cached one while its md5 is the listed one. */
  function loadXForm(offered) {
    var name = "xform:" + offered.code;
    return cacheGet(name).then(function (cached) {
      if (cached && cached.md5 === offered.md5) { return cached.xml; }
      return fetch(formUrl(offered.code), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (xml) { cachePut(name, { md5: offered.md5, xml: xml }); return xml; })
        .catch(function () { return cached ? cached.xml : null; });
    });
  }

  function isDataFile(name) { return /\.(csv|xml|geojson)$/i.test(name); }

  /* A form's media files as Blobs: the cached one while its md5 is the listed one, else
     the server's, else (offline) the one cached before. */
  function loadMedia(offered) {
    return Promise.all((offered.media || []).map(function (file) {
      var name = "media:" + offered.code + ":" + file.name;
      return cacheGet(name).then(function (cached) {
        if (cached && cached.md5 === file.md5) { return { name: file.name, url: file.url, blob: cached.blob }; }
        return fetch(file.url, { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.blob();
          })
          .then(function (blob) {
            cachePut(name, { md5: file.md5, blob: blob });
            return { name: file.name, url: file.url, blob: blob };
          })
          .catch(function () { return cached ? { name: file.name, url: file.url, blob: cached.blob } : null; });
      });
    })).then(function (files) { return files.filter(Boolean); });
  }

  /* What the engine takes of the media: the CSV, GeoJSON and XML lists the form reads as secondary
     instances, and an address for each other file it shows. Pictures are shown from the
     phone's memory, so they show offline too. */
  function engineMedia(webform, xml, files) {
    var byName = {};
    files.forEach(function (file) { byName[file.name] = file; });
    var lists = webform.attachmentNames(xml).filter(function (named) {
      return byName[named.name] && isDataFile(named.name);
    });
    return Promise.all(lists.map(function (named) {
      return byName[named.name].blob.text().then(function (text) {
        return webform.externalInstance(named.id, named.name, text);
      });
    })).then(function (external) {
      var media = {};
      var objectUrls = [];
      files.forEach(function (file) {
        if (isDataFile(file.name)) { return; }
        if (file.blob && /^image\//.test(file.blob.type)) {
          media[file.name] = URL.createObjectURL(file.blob);
          objectUrls.push(media[file.name]);
        } else {
          media[file.name] = file.url;
        }
      });
      return { external: external, media: media, objectUrls: objectUrls };
    });
  }

  /* This browser's device id for the forms' deviceid preloads, made once and kept, in the
     form Enketo Express gives it: the host's name, a colon, 16 random letters and digits. */
  function loadDeviceId() {
    return cacheGet("deviceid").then(function (known) {
      if (known) { return known; }
      var letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      var random = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (byte) {
        return letters.charAt(byte % letters.length);
      }).join("");
      var made = location.hostname + ":" + random;
      return cachePut("deviceid", made).then(function () { return made; });
    });
  }

  function loadAssignment() {
    return Promise.all([getJSON(config.api + "assignment"), getJSON(config.forms)]).then(function (loaded) {
      var assignment = loaded[0];
      if (!assignment || !loaded[1]) { $("assignment").textContent = config.text.noAssignment; return; }
      state.assignment = assignment;
      state.offered = loaded[1].forms;
      return Promise.all(state.offered.map(function (offered) {
        return Promise.all([loadXForm(offered), loadMedia(offered)]).then(function (loaded) {
          if (loaded[0]) { state.forms[offered.code] = { title: offered.title, xml: loaded[0], media: loaded[1] }; }
        });
      })).then(renderAssignment);
    });
  }

  function renderAssignment() {
    var assignment = state.assignment;
    $("assignment-title").textContent = (assignment.team ? config.text.team + " " + assignment.team + " · " : "") + assignment.observer;
    var stations = $("station");
    stations.innerHTML = "";
    assignment.stations.forEach(function (station, index) {
      stations.appendChild(element("option", { value: station.code, "data-label": (index + 1) + ". " + station.code + " " + station.name }));
    });
    markReportedStations();
    renderFormChoice();
    $("start").disabled = !assignment.stations.length || !$("form-choice").options.length;
    var incident = $("incident-button");
    if (incident) { incident.hidden = !state.forms[config.incidentForm]; }
  }

  function phaseOf(code) {
    var known = (state.assignment && state.assignment.forms || []).filter(function (form) { return form.code === code; });
    return known.length ? known[0].phase : null;
  }

  /* The phases (and forms with hours of their own) whose reports are expected now, by the
     phone's clock: the one whose hours end soonest first (at 07:00 the opening comes
     before the voting). */
  function currentPhases() {
    var now = Date.now();
    var hours = config.phaseHours || {};
    return Object.keys(hours).filter(function (phase) {
      return Date.parse(hours[phase][0]) <= now && now <= Date.parse(hours[phase][1]);
    }).sort(function (a, b) { return Date.parse(hours[a][1]) - Date.parse(hours[b][1]); });
  }

  /* The checklists of the current phase first, under their own heading, and chosen. */
  function renderFormChoice() {
    var forms = $("form-choice");
    forms.innerHTML = "";
    var offered = state.offered.filter(function (form) { return state.forms[form.code]; });
    var now = currentPhases();
    var hours = config.phaseHours || {};
    // A form with hours of its own (PVT form 2, after the count) goes by them, not its phase's.
    var rank = function (form) {
      var index = now.indexOf(hours[form.code] ? form.code : phaseOf(form.code));
      return index === -1 ? now.length : index;
    };
    var current = offered.filter(function (form) { return rank(form) < now.length; })
      .sort(function (a, b) { return rank(a) - rank(b); });
    var others = offered.filter(function (form) { return rank(form) === now.length; });
    var option = function (form) { return element("option", { value: form.code, text: form.title }); };
    if (!current.length) {
      others.forEach(function (form) { forms.appendChild(option(form)); });
      return;
    }
    forms.appendChild(element("optgroup", { label: config.text.formsNow }, current.map(option)));
    if (others.length) {
      forms.appendChild(element("optgroup", { label: config.text.formsOther }, others.map(option)));
    }
    forms.selectedIndex = 0;
  }

  /* Each station says which phases are reported there: by the team, as the server knew
     when the assignment was loaded, and from this phone since (sent or waiting to be). */
  function markReportedStations() {
    if (!state.assignment) { return; }
    var reported = {};
    state.assignment.stations.forEach(function (station) { reported[station.code] = (station.reported || []).slice(); });
    state.outbox.forEach(function (item) {
      var phase = phaseOf(item.form);
      if (item.state !== "rejected" && item.station && phase && reported[item.station] && reported[item.station].indexOf(phase) === -1) {
        reported[item.station].push(phase);
      }
    });
    Array.prototype.forEach.call($("station").options, function (option) {
      var phases = reported[option.value] || [];
      var names = phases.map(function (phase) { return config.text.phases[phase] || phase; });
      // The mark leads, where a narrow menu does not cut it off.
      option.textContent = phases.length
        ? "✓ " + option.getAttribute("data-label") + " — " + config.text.reported + " " + names.join(", ")
        : option.getAttribute("data-label");
      option.classList.toggle("reported", phases.length > 0);
    });
  }

  // ---- the form ---------------------------------------------------------------
  function closeForm() {
    if (state.open) {
      state.open.handle.destroy();
      state.open.objectUrls.forEach(function (url) { URL.revokeObjectURL(url); });
    }
    state.open = null;
    $("checklist").hidden = true;
    $("form-errors").textContent = "";
  }

  function renderForm(code) {
    closeForm();
    var station = $("station").value;
    var form = state.forms[code];
    return Promise.all([loadEngine(), loadDeviceId()]).then(function (started) {
      var webform = started[0];
      return engineMedia(webform, form.xml, form.media || []).then(function (attached) {
        return { webform: webform, attached: attached, deviceid: started[1] };
      });
    }).then(function (loaded) {
      var container = $("webform");
      var attached = loaded.attached;
      var session = { username: state.assignment.observer, deviceid: loaded.deviceid };
      var options = { external: attached.external, media: attached.media, language: lang, session: session };
      return loaded.webform.renderXForm(container, form.xml, options)
        .then(function (handle) {
          state.open = { code: code, station: station, handle: handle, objectUrls: attached.objectUrls };
          fillStation(container, station);
          $("form-errors").textContent = handle.loadErrors.length ? config.text.formProblems + " " + handle.loadErrors.join("; ") : "";
          $("checklist").hidden = false;
          // The form, not its first field: focusing a date or a dropdown would open its picker.
          $("checklist").focus();
        });
    }).catch(function (error) {
      $("checklist").hidden = false;
      $("form-errors").textContent = config.text.formProblems + " " + String(error.message || error);
    });
  }

  /* The form's station question takes the station chosen above it, and is not asked again. */
  function fillStation(container, station) {
    var selector = "[name$='/" + STATION_FIELD + "'], [data-name$='/" + STATION_FIELD + "']";
    var filled = null;
    Array.prototype.forEach.call(container.querySelectorAll(selector), function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.value !== station) { return; }
        field.checked = true;
      } else {
        field.value = station;
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
      filled = field;
    });
    // A form made before the team's stations changed may not list this one: then the
    // observer answers the question in the form.
    var question = filled && filled.closest(".question");
    if (question) { question.classList.add("station-filled"); }
  }

  /* The instance as ODK Collect sends it: questions that do not apply are left out, so a
     repeat that does not apply is no entry at all rather than an empty one. */
  function submissionXml(handle) {
    return handle.form.getDataStr({ irrelevant: false });
  }

  function instanceIdOf(xml) {
    var doc = new DOMParser().parseFromString(xml, "text/xml");
    var found = Array.prototype.filter.call(doc.getElementsByTagName("*"), function (node) {
      return node.localName === "instanceID" && node.parentNode && node.parentNode.localName === "meta";
    });
    return found.length ? found[0].textContent.trim() : "";
  }

  function dataUriToBlob(uri) {
    var parts = uri.split(",");
    var type = parts[0].split(":")[1].split(";")[0];
    var bytes = atob(parts[1]);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) { buffer[i] = bytes.charCodeAt(i); }
    return new Blob([buffer], { type: type });
  }

  function fileName(file, postfix) {
    // As the engine names a file in the instance: the postfix goes before the extension.
    var parts = file.name.split(".");
    if (parts.length > 1) { parts[parts.length - 2] += postfix || ""; } else { parts[0] += postfix || ""; }
    return parts.join(".");
  }

  /* The files the instance names (photos, drawings), as Blobs the outbox can keep offline. */
  function currentFiles(container, xml) {
    var files = [];
    var inputs = container.querySelectorAll("input[type='file']:not(.ignore), input[type='text'][data-drawing='true']");
    Array.prototype.forEach.call(inputs, function (input) {
      var file = null;
      var name = "";
      if (input.type === "file" && input.files && input.files[0]) {
        file = input.files[0];
        name = fileName(file, input.dataset.filenamePostfix);
        if (input.dataset.resized && input.dataset.resizedDataURI) { file = dataUriToBlob(input.dataset.resizedDataURI); }
      } else if (input.type === "text" && input.value && input.dataset.cache) {
        file = dataUriToBlob(input.dataset.cache);
        name = input.value;
      }
      if (file && name && xml.indexOf(">" + name + "<") !== -1) {
        files.push({ name: name, blob: new Blob([file], { type: file.type }) });
      }
    });
    return files;
  }

  function onSend() {
    var open = state.open;
    if (!open) { return Promise.resolve(); }
    var send = $("send");
    send.disabled = true;
    return open.handle.validate().then(function (valid) {
      send.disabled = false;
      if (!valid) { $("form-errors").textContent = config.text.fixErrors; return; }
      var xml = submissionXml(open.handle);
      var item = {
        key: instanceIdOf(xml), form: open.code, station: open.station, xml: xml,
        attachments: currentFiles($("webform"), xml),
        title: state.forms[open.code].title + " · " + open.station,
        state: "waiting", attempts: 0, nextAttempt: 0, createdAt: Date.now(), errors: [], receipt: null
      };
      // Close the form at once: the report is safe in the outbox whatever the network does,
      // and the observer may start the next one before this one is sent.
      return getItem(item.key).then(function (known) {
        // An instanceID is new for every form opened; never overwrite a kept report.
        if (known) { throw new Error("instanceID " + item.key + " is already in the outbox"); }
        return putItem(item);
      }).then(function () {
        closeForm();
        $("status").focus();
        return refreshOutbox();
      }).then(function () { sync(); }, function (error) { $("form-errors").textContent = String(error.message || error); });
    });
  }

  // ---- the outbox and its synchronisation -----------------------------------
  function delayAfter(attempts) {
    var base = Math.min(MAX_DELAY_MS, 1000 * Math.pow(2, attempts));
    return base / 2 + Math.random() * base / 2;
  }

  function post(item) {
    if (!item.xml) {
      // Reports kept by the earlier version of this page go the way they were made for.
      return fetch(config.api + "submissions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf, Accept: "application/json" },
        body: JSON.stringify(item.body)
      });
    }
    var body = new FormData();
    body.append("xml_submission_file", new Blob([item.xml], { type: "text/xml" }), "xml_submission_file");
    (item.attachments || []).forEach(function (file) { body.append(file.name, file.blob, file.name); });
    return fetch(config.submission, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": config.csrf, Accept: "application/json" },
      body: body
    });
  }

  function sendOne(item) {
    return post(item).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 200 || response.status === 201) {
          item.state = "received"; item.receipt = data; item.errors = [];
        } else if (response.status === 422 || response.status === 400 || response.status === 409) {
          item.state = "rejected"; item.errors = data.errors || [{ field: "", reason: data.title || "rejected" }];
        } else {
          retryLater(item, response.status === 401 || response.status === 403 ? config.text.loginAgain : "HTTP " + response.status);
        }
        return putItem(item);
      });
    }, function () {
      retryLater(item, config.text.noNetwork);
      return putItem(item);
    });
  }

  function retryLater(item, reason) {
    item.attempts += 1;
    item.nextAttempt = Date.now() + delayAfter(item.attempts);
    item.lastProblem = reason;
  }

  function sync(force) {
    if (state.syncing) { return Promise.resolve(); }
    state.syncing = true;
    return allItems().then(function (items) {
      var due = items.filter(function (item) {
        return item.state === "waiting" && (force === true || item.nextAttempt <= Date.now());
      }).sort(function (a, b) { return a.createdAt - b.createdAt; });
      return due.reduce(function (chain, item) { return chain.then(function () { return sendOne(item); }); }, Promise.resolve());
    }).then(function () { state.syncing = false; return refreshOutbox(); },
      function () { state.syncing = false; return refreshOutbox(); });
  }

  function refreshOutbox() {
    return allItems().then(function (items) {
      items.sort(function (a, b) { return b.createdAt - a.createdAt; });
      state.outbox = items;
      var lists = { waiting: $("waiting"), rejected: $("rejected"), received: $("received") };
      Object.keys(lists).forEach(function (name) { lists[name].innerHTML = ""; });
      items.forEach(function (item) {
        var text = item.title + " · " + new Date(item.createdAt).toLocaleTimeString();
        var entry = element("li", { "data-key": item.key, text: text });
        if (item.state === "waiting" && item.lastProblem) {
          entry.appendChild(element("span", { "class": "muted", text: " — " + item.lastProblem }));
        }
        if (item.state === "received" && item.receipt) {
          entry.appendChild(element("span", { "class": "muted", text: " — " + config.text.receipt + " " + item.receipt.id }));
        }
        if (item.state === "rejected") {
          entry.appendChild(element("ul", {}, item.errors.map(function (error) {
            return element("li", { text: (error.field ? error.field + ": " : "") + error.reason });
          })));
        }
        lists[item.state].appendChild(entry);
      });
      var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
      $("waiting-count").textContent = String(waiting);
      $("received-count").textContent = String(items.filter(function (i) { return i.state === "received"; }).length);
      $("rejected-count").textContent = String(items.filter(function (i) { return i.state === "rejected"; }).length);
      $("network").textContent = navigator.onLine ? config.text.online : config.text.offline;
      $("network").className = navigator.onLine ? "online" : "offline";
      markReportedStations();
    });
  }

  // ---- wiring ----------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", function () {
    $("start").addEventListener("click", function () { renderForm($("form-choice").value); });
    var incident = $("incident-button");
    if (incident) { incident.addEventListener("click", function () { renderForm(config.incidentForm); }); }
    $("send").addEventListener("click", onSend);
    $("sync-now").addEventListener("click", function () { sync(true); });
    window.addEventListener("online", function () { sync(true); });
    window.addEventListener("offline", refreshOutbox);
    setInterval(sync, 3000);
    loadAssignment().then(refreshOutbox).then(sync);
    loadEngine().catch(function () {});
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope }).catch(function () {});
    }
  });
})();
