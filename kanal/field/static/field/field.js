/* Kanal field app: record complaints on a phone, keep them offline, send each once.
 *
 * Plain JavaScript, no framework and no build step. Records live in IndexedDB (photos
 * as Blobs) until the server has answered with a tracking number. Every record gets a
 * slip number when it is saved; the same number is the idempotency key of its
 * submission, so a resend after a lost answer, a double tap or a dropped connection
 * never makes a second case. The store holds only the signed-in officer's records and
 * is wiped on sign-out or when the phone was signed out from the console.
 *
 * A record is written only while the store belongs to this officer: every write checks,
 * in the same IndexedDB transaction, that the "owner" entry is still this user, and
 * wiping removes that entry. So a send that fails or succeeds after sign-out (in this
 * tab or another) cannot put its record back into the cleared store.
 */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("field-boot").textContent);
  var T = JSON.parse(document.getElementById("field-texts").textContent);
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // as tracking numbers: no I, L, O, U
  var DB_NAME = "kanal-field";
  var KEEP_SENT_MS = 2 * 24 * 3600 * 1000; // sent records are listed for two days
  var MAX_PHOTO_SIDE = 1600; // pixels: enough to see a pothole, small on prepaid data
  var $ = function (id) { return document.getElementById(id); };
  var csrf = "";
  var syncing = false;
  var closing = false; // sign-out has begun: no more sends, no more writes from this page
  var inflight = null; // AbortController of the request the send loop is waiting for
  var ready = null; // settles once the store has been claimed for this officer (start)
  var photo = null; // {blob, name} of the photo being recorded
  var where = null; // {lat, lng, accuracy} from the phone

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  // --- IndexedDB -------------------------------------------------------------------

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore("records", { keyPath: "key" });
          req.result.createObjectStore("meta");
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }

  /** One transaction on `stores`; work(transaction) may return a request or a plain value. */
  function run(stores, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(stores, mode);
        var result = work(t);
        t.oncomplete = function () {
          resolve(result && typeof result === "object" && "result" in result ? result.result : result);
        };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function on(store, mode, work) {
    return run(store, mode, function (t) { return work(t.objectStore(store)); });
  }

  function allRecords() {
    return on("records", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
    });
  }
  /**
   * Store `rec`; resolves true when it was stored, false when the store no longer
   * belongs to this officer (signed out here or in another tab, or wiped after a
   * revocation). The owner check and the write share one transaction, and IndexedDB
   * runs overlapping read-write transactions in the order they were created, so a
   * write either lands before a wipe (and is cleared by it) or is refused after it.
   */
  function putRecord(rec) {
    var outcome = { result: false };
    return run(["records", "meta"], "readwrite", function (t) {
      if (closing) { return outcome; }
      var owner = t.objectStore("meta").get("owner");
      owner.onsuccess = function () {
        if (owner.result === boot.user) {
          t.objectStore("records").put(rec);
          outcome.result = true;
        }
      };
      return outcome;
    });
  }
  function deleteRecord(key) { return on("records", "readwrite", function (s) { s.delete(key); }); }
  function getMeta(name) { return on("meta", "readonly", function (s) { return s.get(name); }); }
  function setMeta(name, value) { return on("meta", "readwrite", function (s) { s.put(value, name); }); }

  /** Remove everything this app keeps on the phone: records, cached pages, worker. */
  function wipe() {
    var jobs = [
      run(["records", "meta"], "readwrite", function (t) {
        t.objectStore("meta").clear(); // first: the owner entry every write checks
        t.objectStore("records").clear();
      })
    ];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("kanal-field-") === 0; })
          .map(function (k) { return caches.delete(k); }));
      }));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
        return Promise.all(regs.map(function (r) { return r.unregister(); }));
      }));
    }
    try { localStorage.removeItem(visitKey()); } catch (e) { /* private mode */ }
    return Promise.all(jobs);
  }

  // --- slip numbers ----------------------------------------------------------------

  function newSlip() {
    var bytes = new Uint8Array(10);
    crypto.getRandomValues(bytes);
    var chars = Array.prototype.map.call(bytes, function (b) { return ALPHABET[b & 31]; }).join("");
    return chars.slice(0, 5) + "-" + chars.slice(5);
  }

  // --- the list of records ---------------------------------------------------------

  function describe(rec) {
    var what = rec.text ? rec.text.slice(0, 80) : T.photoOnly;
    var extra = [];
    if (rec.hasPhoto) { extra.push(T.withPhoto); }
    if (rec.visitTitle) { extra.push(rec.visitTitle); }
    return extra.length ? what + " · " + extra.join(" · ") : what;
  }

  function statusText(rec) {
    if (rec.status === "sent") { return fmt(T.sent, { number: rec.tracking }); }
    if (rec.status === "sending") { return T.sending; }
    if (rec.status === "failed") { return fmt(T.failed, { message: rec.error || "" }); }
    return T.waiting;
  }

  function render() {
    return allRecords().then(function (rows) {
      var list = $("record-list");
      list.textContent = "";
      var waiting = 0, sent = 0;
      rows.slice().reverse().forEach(function (rec) {
        if (rec.status === "sent") { sent += 1; } else { waiting += 1; }
        var li = document.createElement("li");
        li.className = "record record-" + rec.status;
        li.dataset.slip = rec.key;
        var head = document.createElement("p");
        head.className = "record-head";
        var slip = document.createElement("strong");
        slip.textContent = T.slip + " " + rec.key;
        var state = document.createElement("span");
        state.className = "record-state";
        state.textContent = statusText(rec);
        head.appendChild(slip);
        head.appendChild(document.createTextNode(" "));
        head.appendChild(state);
        var body = document.createElement("p");
        body.className = "record-body";
        body.textContent = describe(rec);
        li.appendChild(head);
        li.appendChild(body);
        list.appendChild(li);
      });
      $("queue-summary").textContent = rows.length
        ? fmt(T.summary, { waiting: waiting, sent: sent })
        : T.nothing;
      $("send").hidden = waiting === 0;
      return rows;
    });
  }

  // --- connection state --------------------------------------------------------------

  function showNetwork() {
    var online = navigator.onLine;
    $("net").className = "net " + (online ? "net-on" : "net-off");
    $("net-text").textContent = online ? T.online : T.offline;
  }

  function notice(text, link) {
    var box = $("saved");
    box.hidden = false;
    box.className = "panel saved panel-warning";
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.className = "button";
      a.textContent = T.signIn;
      box.appendChild(a);
    }
  }

  // --- sending -------------------------------------------------------------------------

  function checkStatus() {
    return abortable(boot.statusUrl + "?device=" + encodeURIComponent(boot.device), {
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (res) {
      return res.json().then(function (body) { return body; }, function () { return { state: "error" }; });
    });
  }

  function formFor(rec) {
    var data = new FormData();
    ["text", "channel", "kelurahan", "place", "name", "phone"].forEach(function (k) {
      data.append(k, rec[k] || "");
    });
    data.append("slip", rec.key);
    data.append("recorded_at", rec.createdAt);
    if (rec.visit) { data.append("visit", rec.visit); }
    if (rec.lat != null) { data.append("lat", rec.lat); data.append("lng", rec.lng); }
    if (rec.noContact) { data.append("no_contact", "on"); }
    if (rec.consent) { data.append("consent", "on"); }
    if (rec.photo) { data.append("photo", rec.photo, rec.photoName || "foto.jpg"); }
    return data;
  }

  /** Once sent, keep only what the officer needs to hand out the tracking number. */
  function markSent(rec, body) {
    return putRecord({
      key: rec.key,
      owner: rec.owner,
      createdAt: rec.createdAt,
      sentAt: new Date().toISOString(),
      text: (rec.text || "").slice(0, 80),
      hasPhoto: rec.hasPhoto,
      visitTitle: rec.visitTitle,
      status: "sent",
      tracking: body.tracking_number
    });
  }

  /** fetch() that sign-out can abort (the answer would only be thrown away). */
  function abortable(url, options) {
    inflight = window.AbortController ? new AbortController() : null;
    if (inflight) { options.signal = inflight.signal; }
    return fetch(url, options).then(function (res) {
      inflight = null;
      return res;
    }, function (error) {
      inflight = null;
      throw error;
    });
  }

  function sendOne(rec) {
    rec.status = "sending";
    return putRecord(rec).then(function (stored) {
      if (!stored) { throw new Error("closed"); }
      return render();
    }).then(function () {
      return abortable(boot.submitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Idempotency-Key": rec.key },
        body: formFor(rec)
      });
    }).then(function (res) {
      return res.json().then(function (body) { return [res, body]; }, function () { return [res, {}]; });
    }).then(function (pair) {
      var res = pair[0], body = pair[1];
      if (res.status === 200 || res.status === 201) { return markSent(rec, body).then(function () { return "ok"; }); }
      if (res.status === 400 || res.status === 409) {
        rec.status = "failed";
        rec.error = body.message || "";
        return putRecord(rec).then(function () { return "ok"; });
      }
      rec.status = "waiting";
      return putRecord(rec).then(function () {
        if (res.status === 401) { return body.state || "signed_out"; }
        if (res.status === 403 && !body.state) { return "csrf"; }
        return "stop";
      });
    }, function () {
      if (closing) { return "closed"; }
      // The connection dropped before an answer: the server may or may not have the
      // case. Sending again with the same slip number settles it either way.
      rec.status = "waiting";
      return putRecord(rec).then(function () { return "offline"; });
    }).then(function (outcome) {
      return closing ? "closed" : outcome;
    });
  }

  function sendAll() {
    if (syncing || closing) { return Promise.resolve(); }
    syncing = true;
    $("send").disabled = true;
    var retriedCsrf = false;
    function loop() {
      return allRecords().then(function (rows) {
        var next = rows.filter(function (r) { return r.status === "waiting"; })[0];
        if (!next) { return null; }
        return sendOne(next).then(function (outcome) {
          if (outcome === "ok") { return loop(); }
          if (outcome === "csrf" && !retriedCsrf) {
            retriedCsrf = true;
            return handshake().then(function (ok) { return ok ? loop() : null; });
          }
          if (outcome === "verify") { askForCode(); }
          if (outcome === "signed_out") { notice(T.signedOut, boot.loginUrl); }
          if (outcome === "offline") { notice(T.noNetwork); }
          return null;
        });
      });
    }
    return handshake().then(function (ok) { return ok ? loop() : null; })
      .catch(function () { /* offline: try again when the connection returns */ })
      .then(function () {
        syncing = false;
        if (closing) { return null; }
        $("send").disabled = false;
        return render();
      });
  }

  /** Ask the server who we are; false when sending must wait (and say why). */
  function handshake() {
    return checkStatus().then(function (st) {
      if (st.state === "revoked") {
        return wipe().then(function () { return render(); }).then(function () {
          notice(T.revoked, boot.loginUrl);
          return false;
        });
      }
      if (st.state === "signed_out") { notice(T.signedOut, boot.loginUrl); return false; }
      if (st.state === "verify") { csrf = st.csrf || csrf; askForCode(); return false; }
      if (st.state !== "ok") { return false; }
      if (st.user !== boot.user) { return false; }
      csrf = st.csrf;
      return true;
    });
  }

  function askForCode() {
    $("verify").hidden = false;
    $("verify-code").focus();
  }

  function verify(event) {
    event.preventDefault();
    var data = new FormData();
    data.append("code", $("verify-code").value);
    fetch(boot.verifyUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
      body: data
    }).then(function (res) {
      return res.json().then(function (body) { return [res, body]; });
    }).then(function (pair) {
      if (pair[0].ok) {
        $("verify").hidden = true;
        $("verify-code").value = "";
        $("verify-error").hidden = true;
        sendAll();
      } else {
        $("verify-error").textContent = pair[1].message || "";
        $("verify-error").hidden = false;
        $("verify-code").focus();
      }
    }, function () { notice(T.noNetwork); });
  }

  // --- recording -----------------------------------------------------------------------

  function visitKey() { return "kanal-field-visit-" + boot.user; }

  function showError(id, text) {
    var el = $(id);
    el.textContent = text || "";
    el.hidden = !text;
    var field = el.closest(".field");
    if (field) { field.classList.toggle("field-error", !!text); }
  }

  function shrink(file) {
    // Re-encode as JPEG at most MAX_PHOTO_SIDE wide: a phone photo of 4 MB becomes
    // about 200 KB. If the browser cannot decode it, send the file as it is.
    if (!window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (img) {
      var scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(img.width * scale);
      canvas.height = Math.round(img.height * scale);
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.8);
      });
    }).catch(function () { return file; });
  }

  function onPhoto() {
    var file = $("photo").files[0];
    if (!file) { photo = null; $("photo-status").textContent = ""; return; }
    shrink(file).then(function (blob) {
      var name = blob === file ? file.name : (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
      photo = { blob: blob, name: name };
      $("photo-status").textContent = fmt(T.photoAdded, { kb: Math.max(1, Math.round(blob.size / 1024)) });
    }, function () { photo = null; $("photo-status").textContent = T.photoFailed; });
  }

  function locate() {
    if (!navigator.geolocation) { $("locate-status").textContent = T.noLocation; return; }
    $("locate-status").textContent = T.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      where = { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: pos.coords.accuracy };
      $("locate-status").textContent = fmt(T.located, { m: Math.round(pos.coords.accuracy) });
    }, function () {
      where = null;
      $("locate-status").textContent = T.noLocation;
      $("kelurahan").focus();
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function onVisit() {
    var visit = $("visit").value;
    try { localStorage.setItem(visitKey(), visit); } catch (e) { /* private mode */ }
    var radio = $("channel-" + (visit ? "field_visit" : boot.defaultChannel));
    if (radio) { radio.checked = true; }
  }

  function save(event) {
    event.preventDefault();
    var text = $("text").value.trim();
    var name = $("name").value.trim();
    var phone = $("phone").value.trim();
    var consent = $("consent").checked;
    var ok = true;
    showError("text-error", "");
    showError("phone-error", "");
    showError("consent-error", "");
    if (!text && !photo) { showError("text-error", T.needText); ok = false; }
    if (phone && !/^\+?[0-9 ()-]{8,20}$/.test(phone)) { showError("phone-error", T.badPhone); ok = false; }
    if ((name || phone) && !consent) { showError("consent-error", T.needConsent); ok = false; }
    if (!ok) {
      var first = document.querySelector(".field-error input, .field-error textarea");
      if (first) { first.focus(); }
      return;
    }
    var visitSelect = $("visit");
    var checked = document.querySelector("input[name=channel]:checked");
    var rec = {
      key: newSlip(),
      owner: boot.user,
      createdAt: new Date().toISOString(),
      text: text,
      channel: checked ? checked.value : boot.defaultChannel,
      visit: visitSelect.value,
      visitTitle: visitSelect.value ? visitSelect.options[visitSelect.selectedIndex].text : "",
      kelurahan: $("kelurahan").value,
      lat: where ? where.lat : null,
      lng: where ? where.lng : null,
      place: $("place").value.trim(),
      name: name,
      phone: phone,
      noContact: $("no_contact").checked,
      consent: consent,
      photo: photo ? photo.blob : null,
      photoName: photo ? photo.name : "",
      hasPhoto: !!photo,
      status: "waiting"
    };
    ready.then(function () { return putRecord(rec); }).then(function (stored) {
      if (!stored) {
        // Signed out meanwhile (here or in another tab): say so, show no slip number.
        notice(T.signedOut, boot.loginUrl);
        return false;
      }
      ["text", "name", "phone", "place"].forEach(function (id) { $(id).value = ""; });
      $("no_contact").checked = false;
      $("consent").checked = false;
      $("photo").value = "";
      $("photo-status").textContent = "";
      $("locate-status").textContent = "";
      photo = null;
      where = null;
      var box = $("saved");
      box.className = "panel saved";
      box.hidden = false;
      box.textContent = "";
      var intro = document.createElement("p");
      intro.textContent = box.dataset.intro;
      var slip = document.createElement("p");
      slip.className = "slip";
      slip.id = "saved-slip";
      slip.textContent = rec.key;
      var hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = box.dataset.hint;
      box.appendChild(intro);
      box.appendChild(slip);
      box.appendChild(hint);
      box.focus();
      return render().then(function () { return true; });
    }).then(function (stored) {
      if (stored && navigator.onLine) { sendAll(); }
    });
  }

  function signOut(event) {
    var form = event.target;
    event.preventDefault();
    if (closing) { return; }
    allRecords().then(function (rows) {
      var waiting = rows.filter(function (r) { return r.status !== "sent"; }).length;
      if (waiting && !window.confirm(fmt(T.signOutWaiting, { n: waiting }))) { return; }
      // From here this page writes nothing more: a send still on its way is cancelled,
      // and whatever it tries to store afterwards is refused (see putRecord).
      closing = true;
      if (inflight) { inflight.abort(); }
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (csrf && token) { token.value = csrf; }
      wipe().then(function () { form.submit(); }, function () { form.submit(); });
    });
  }

  // --- start -----------------------------------------------------------------------------

  function start() {
    var box = $("saved");
    var parts = box.querySelectorAll("p");
    box.dataset.intro = parts[0].textContent;
    box.dataset.hint = parts[2].textContent;
    showNetwork();
    $("record").addEventListener("submit", save);
    $("photo").addEventListener("change", onPhoto);
    $("locate").addEventListener("click", locate);
    $("visit").addEventListener("change", onVisit);
    $("send").addEventListener("click", function () { sendAll(); });
    $("verify-form").addEventListener("submit", verify);
    $("sign-out").addEventListener("submit", signOut);
    window.addEventListener("online", function () { showNetwork(); sendAll(); });
    window.addEventListener("offline", showNetwork);

    var saved = "";
    try { saved = localStorage.getItem(visitKey()) || ""; } catch (e) { /* private mode */ }
    if (saved && $("visit").querySelector("option[value='" + saved.replace(/\D/g, "") + "']")) {
      $("visit").value = saved;
      onVisit();
    }

    // The store holds only this officer's records: another officer's are removed.
    ready = getMeta("owner").then(function (owner) {
      return owner !== undefined && owner !== boot.user ? wipe() : null;
    }).then(function () {
      return setMeta("owner", boot.user);
    });
    ready.then(allRecords).then(function (rows) {
      var now = Date.now();
      return Promise.all(rows.map(function (rec) {
        if (rec.status === "sending") { rec.status = "waiting"; return putRecord(rec); }
        if (rec.status === "sent" && now - Date.parse(rec.sentAt) > KEEP_SENT_MS) { return deleteRecord(rec.key); }
        return null;
      }));
    }).then(render).then(function () {
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.register(boot.swUrl).catch(function () { /* not a secure context */ });
      }
      if (navigator.onLine) { sendAll(); }
    });
  }

  start();
})();
