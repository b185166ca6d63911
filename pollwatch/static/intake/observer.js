/*
 * The observer's offline form. Checklists are kept in an IndexedDB outbox
 * under their idempotency key until the server acknowledges them; sending
 * again after a lost response is harmless because the server answers a known
 * key with the first receipt. Nothing is ever dropped from the outbox
 * automatically: rejected reports stay visible for the observer to fix.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("observer-config").textContent);
  var lang = config.language || "en";
  var DB_NAME = "pollwatch-observer";
  var MAX_DELAY_MS = 60000;
  var state = { assignment: null, forms: {}, outbox: [], syncing: false };

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
  function allItems() { return store("outbox", "readonly", function (s) { return s.getAll(); }); }
  function cachePut(name, value) {
    return store("cache", "readwrite", function (s) { return s.put({ name: name, value: value }); });
  }
  function cacheGet(name) {
    return store("cache", "readonly", function (s) { return s.get(name); })
      .then(function (row) { return row ? row.value : null; });
  }

  // ---- small DOM and text functions -----------------------------------------
  function label(text) {
    if (!text) { return ""; }
    return text[lang] || text.en || text[Object.keys(text)[0]] || "";
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
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

  function loadAssignment() {
    return getJSON(config.api + "assignment").then(function (assignment) {
      if (!assignment) { $("assignment").textContent = config.text.noAssignment; return; }
      state.assignment = assignment;
      return Promise.all(assignment.forms.map(function (form) {
        return getJSON(config.api + "forms/" + form.code + "/" + form.version).then(function (definition) {
          if (definition) { state.forms[form.code] = definition; }
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
      stations.appendChild(element("option", { value: station.code, text: (index + 1) + ". " + station.code + " " + station.name }));
    });
    var forms = $("form-choice");
    forms.innerHTML = "";
    assignment.forms.forEach(function (form) {
      if (state.forms[form.code]) {
        forms.appendChild(element("option", { value: form.code, text: label(form.title) }));
      }
    });
    $("start").disabled = !assignment.stations.length || !forms.options.length;
    var incident = $("incident-button");
    if (incident) { incident.hidden = !state.forms[config.incidentForm]; }
  }

  // ---- rendering a checklist ------------------------------------------------
  function renderForm(code) {
    var definition = state.forms[code];
    var container = $("checklist");
    container.innerHTML = "";
    container.dataset.form = code;
    container.appendChild(element("h2", { text: label(definition.title) }));
    definition.sections.forEach(function (section) {
      var fieldset = element("fieldset", {}, [element("legend", { text: label(section.title) })]);
      section.questions.forEach(function (question) {
        fieldset.appendChild(renderQuestion(definition, question));
      });
      container.appendChild(fieldset);
    });
    container.appendChild(element("p", { "class": "form-errors", id: "form-errors", role: "alert" }));
    container.appendChild(element("button", { type: "submit", id: "send", text: config.text.send }));
    container.hidden = false;
    updateVisibility();
    var first = container.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  function renderQuestion(definition, question) {
    var id = "q-" + question.code;
    var wrapper = element("div", { "class": "question", "data-code": question.code, id: "wrap-" + question.code });
    var title = label(question.label) + (question.required ? " *" : "");
    var choices = question.choices ? definition.choice_lists[question.choices] : null;
    if (question.type === "yes_no") {
      choices = [{ code: "yes", label: { en: "Yes", ru: "Да" } }, { code: "no", label: { en: "No", ru: "Нет" } }];
    }
    if (choices) {
      var group = element("fieldset", { "class": "choices" }, [element("legend", { text: title })]);
      var multiple = question.type === "multiple_choice";
      choices.forEach(function (choice) {
        var input = element("input", { type: multiple ? "checkbox" : "radio", name: question.code, value: choice.code });
        group.appendChild(element("label", {}, [input, document.createTextNode(" " + label(choice.label))]));
      });
      wrapper.appendChild(group);
    } else {
      var attributes = { id: id, name: question.code };
      var field;
      if (question.type === "text") {
        field = element("textarea", attributes);
      } else if (question.type === "photo") {
        attributes.type = "file"; attributes.accept = "image/*"; attributes.capture = "environment";
        field = element("input", attributes);
      } else {
        attributes.type = { integer: "number", decimal: "number", time: "time" }[question.type] || "text";
        if (question.type === "integer") { attributes.inputmode = "numeric"; attributes.step = "1"; }
        if (question.type === "decimal") { attributes.step = "any"; }
        field = element("input", attributes);
      }
      wrapper.appendChild(element("label", { "for": id, text: title }));
      wrapper.appendChild(field);
    }
    if (question.guidance) { wrapper.appendChild(element("p", { "class": "guidance", text: label(question.guidance) })); }
    wrapper.appendChild(element("p", { "class": "question-error", id: "error-" + question.code }));
    return wrapper;
  }

  function readAnswers(definition, keepPhotos) {
    var form = $("checklist");
    var answers = {};
    definition.sections.forEach(function (section) {
      section.questions.forEach(function (question) {
        var code = question.code;
        if (question.type === "multiple_choice") {
          var ticked = Array.prototype.map.call(form.querySelectorAll("input[name='" + code + "']:checked"), function (i) { return i.value; });
          if (ticked.length) { answers[code] = ticked; }
          return;
        }
        var checked = form.querySelector("input[name='" + code + "']:checked");
        if (checked) { answers[code] = checked.value; return; }
        var field = form.querySelector("[name='" + code + "']:not([type=radio])");
        if (!field || question.type === "photo") {
          if (keepPhotos && field && field.dataset.photo) { answers[code] = field.dataset.photo; }
          return;
        }
        var value = field.value.trim();
        if (value === "") { return; }
        answers[code] = (question.type === "integer" || question.type === "decimal") && !isNaN(Number(value)) ? Number(value) : value;
      });
    });
    return answers;
  }

  function updateVisibility() {
    var code = $("checklist").dataset.form;
    var definition = state.forms[code];
    if (!definition) { return; }
    var answers = readAnswers(definition, false);
    definition.sections.forEach(function (section) {
      section.questions.forEach(function (question) {
        var shown = !question.relevant || PollwatchConditions.evaluate(question.relevant, answers);
        $("wrap-" + question.code).hidden = !shown;
      });
    });
  }

  function shrinkPhoto(file) {
    // Photos travel inside the report: shrink them so a weak network can carry them.
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var image = new Image();
        image.onload = function () {
          var scale = Math.min(1, 1280 / Math.max(image.width, image.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(image.width * scale);
          canvas.height = Math.round(image.height * scale);
          canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.7));
        };
        image.onerror = reject;
        image.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  // ---- the outbox and its synchronisation -----------------------------------
  function queue(code, station, answers) {
    var definition = state.forms[code];
    var item = {
      key: newKey(),
      body: { form: code, version: definition.version, station: station, answers: answers, device_time: new Date().toISOString() },
      title: label(definition.title) + " · " + station,
      state: "waiting", attempts: 0, nextAttempt: 0, createdAt: Date.now(), errors: [], receipt: null
    };
    item.body.key = item.key;
    return putItem(item).then(refreshOutbox).then(function () { sync(); });
  }

  function delayAfter(attempts) {
    var base = Math.min(MAX_DELAY_MS, 1000 * Math.pow(2, attempts));
    return base / 2 + Math.random() * base / 2;
  }

  function sendOne(item) {
    return fetch(config.api + "submissions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf, Accept: "application/json" },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 200 || response.status === 201) {
          item.state = "received"; item.receipt = data; item.errors = [];
        } else if (response.status === 422 || response.status === 400) {
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
    });
  }

  // ---- wiring ----------------------------------------------------------------
  function showErrors(definition, answers) {
    var missing = [];
    definition.sections.forEach(function (section) {
      section.questions.forEach(function (question) {
        var shown = !$("wrap-" + question.code).hidden;
        var error = $("error-" + question.code);
        error.textContent = "";
        if (shown && question.required && question.type !== "photo" && answers[question.code] === undefined) {
          error.textContent = config.text.required;
          missing.push(question.code);
        }
      });
    });
    $("form-errors").textContent = missing.length ? config.text.fixErrors : "";
    return missing.length === 0;
  }

  function visibleAnswers(definition, answers) {
    var result = {};
    Object.keys(answers).forEach(function (code) {
      var wrap = $("wrap-" + code);
      if (wrap && !wrap.hidden) { result[code] = answers[code]; }
    });
    return result;
  }

  function onSubmit(event) {
    event.preventDefault();
    var form = $("checklist");
    var code = form.dataset.form;
    var definition = state.forms[code];
    var answers = visibleAnswers(definition, readAnswers(definition, true));
    if (!showErrors(definition, answers)) { return; }
    // Close the form at once: the report is safe in the outbox whatever the network does,
    // and the observer may start the next one before this one is sent.
    form.hidden = true;
    form.innerHTML = "";
    $("status").focus();
    queue(code, $("station").value, answers);
  }

  function onPhoto(event) {
    var field = event.target;
    if (field.type !== "file" || !field.files.length) { return; }
    shrinkPhoto(field.files[0]).then(function (dataUrl) { field.dataset.photo = dataUrl; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("start").addEventListener("click", function () { renderForm($("form-choice").value); });
    var incident = $("incident-button");
    if (incident) { incident.addEventListener("click", function () { renderForm(config.incidentForm); }); }
    $("checklist").addEventListener("submit", onSubmit);
    $("checklist").addEventListener("change", function (event) { onPhoto(event); updateVisibility(); });
    $("checklist").addEventListener("input", updateVisibility);
    $("sync-now").addEventListener("click", function () { sync(true); });
    window.addEventListener("online", function () { sync(true); });
    window.addEventListener("offline", refreshOutbox);
    setInterval(sync, 3000);
    loadAssignment().then(refreshOutbox).then(sync);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope }).catch(function () {});
    }
  });
})();
