/* The report form's map and the language switch that keeps what was typed.
 *
 * Progressive enhancement: without this file (or without JavaScript) the form works with
 * its lists. The map only fills the same fields: the hidden lat/lng and the kelurahan
 * list, and shows the public reports nearby, asked from Kanal itself (no third party).
 */
(function () {
  "use strict";
  var DRAFT = "kanal-report-draft";
  var form = document.getElementById("report-form");
  if (!form) return;

  // --- the language switch keeps what was typed (sessionStorage, this tab only) -------
  function saveDraft() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden" || el.type === "submit") return;
      if (el.name === "csrfmiddlewaretoken" || el.name === "website") return;
      if (el.type === "radio") { if (el.checked) values[el.name] = el.value; return; }
      if (el.type === "checkbox") { values[el.name] = el.checked; return; }
      values[el.name] = el.value;
    });
    values.lat = form.elements.lat.value;
    values.lng = form.elements.lng.value;
    try { sessionStorage.setItem(DRAFT, JSON.stringify(values)); } catch (e) { /* private mode */ }
  }
  function restoreDraft() {
    var raw;
    try { raw = sessionStorage.getItem(DRAFT); sessionStorage.removeItem(DRAFT); } catch (e) { return null; }
    if (!raw) return null;
    var values = JSON.parse(raw);
    Object.keys(values).forEach(function (name) {
      var el = form.elements[name];
      if (!el) return;
      if (el.length !== undefined && el.tagName !== "SELECT") {  // a radio group
        Array.prototype.forEach.call(el, function (r) { r.checked = r.value === values[name]; });
      } else if (el.type === "checkbox") {
        el.checked = !!values[name];
      } else {
        el.value = values[name];
      }
    });
    return values;
  }
  var switcher = document.querySelector(".lang-switch form");
  if (switcher) switcher.addEventListener("submit", saveDraft);
  var restored = restoreDraft();

  // --- the map ------------------------------------------------------------------------
  var slot = document.getElementById("report-map-slot");
  var texts = document.getElementById("map-texts");
  if (!slot || !texts || !window.L) return;
  var t = texts.dataset;
  var lat = form.elements.lat, lng = form.elements.lng;
  var kelurahan = form.elements.kelurahan, category = form.elements.category;

  slot.innerHTML =
    '<p class="hint" id="map-intro"></p>' +
    '<div id="report-map" class="report-map" role="application"></div>' +
    '<p class="map-buttons"><button type="button" class="button button-secondary" id="map-locate"></button> ' +
    '<button type="button" class="button button-secondary" id="map-clear" hidden></button></p>' +
    '<p id="map-status" role="status" class="map-status"></p>' +
    '<div id="map-nearby"></div>';
  document.getElementById("map-intro").textContent = t.intro;
  var mapEl = document.getElementById("report-map");
  mapEl.setAttribute("aria-label", t.label);
  mapEl.setAttribute("aria-describedby", "map-intro");
  var locate = document.getElementById("map-locate");
  locate.textContent = t.locate;
  var clear = document.getElementById("map-clear");
  clear.textContent = t.clear;
  var status = document.getElementById("map-status");
  var nearbyBox = document.getElementById("map-nearby");

  var map = L.map(mapEl, {
    center: [-5.41, 105.26], zoom: 12, zoomSnap: 0.25, attributionControl: !!form.dataset.tiles
  });
  mapEl._kanalMap = map;  // for the browser tests, which click real pixels
  if (form.dataset.tiles) {
    L.tileLayer(form.dataset.tiles, { maxZoom: 19, attribution: form.dataset.attribution || "" }).addTo(map);
  }
  fetch(form.dataset.areasUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        interactive: false,
        style: { color: "#0b3f73", weight: 1, fillColor: "#d2e3f3", fillOpacity: form.dataset.tiles ? 0.05 : 0.5 }
      }).addTo(map);
      if (!marker) map.fitBounds(layer.getBounds(), { padding: [4, 4] });
      mapEl.dataset.ready = "1";
    });

  var marker = null;
  function place(latlng) {
    // The first pin zooms in, so that a second tap can put it exactly on the spot.
    if (!marker && map.getZoom() < 14) map.setView(latlng, 15);
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(latlng);
    else marker = L.circleMarker(latlng, { radius: 9, color: "#b10e1e", weight: 3, fillOpacity: 0.8 }).addTo(map);
    clear.hidden = false;
    ask();
  }
  function ask() {
    if (!lat.value) return;
    var url = form.dataset.pointUrl + "?lat=" + lat.value + "&lng=" + lng.value +
      "&category=" + encodeURIComponent(category ? category.value : "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.kelurahan) {
          kelurahan.value = data.kelurahan.code;
          status.textContent = t.found + " " + data.kelurahan.name + " (" + data.kelurahan.kecamatan + ")";
        } else {
          status.textContent = t.outside;
        }
        nearbyBox.innerHTML = data.html || "";
        var different = nearbyBox.querySelector("button[name=different]");
        if (different) {
          // With the map the list shows before sending: "mine is different" just goes on.
          different.type = "button";
          different.textContent = t.goOn;
          different.addEventListener("click", function () {
            var flag = document.createElement("input");
            flag.type = "hidden"; flag.name = "different"; flag.value = "1";
            form.appendChild(flag);
            nearbyBox.innerHTML = "";
            (form.elements.address || kelurahan).focus();
          });
        }
      });
  }
  map.on("click", function (e) { place(e.latlng); });
  locate.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = t.noLocation; return; }
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
      map.setView(here, 16);
      place(here);
    }, function () { status.textContent = t.noLocation; }, { enableHighAccuracy: true, timeout: 15000 });
  });
  clear.addEventListener("click", function () {
    if (marker) { map.removeLayer(marker); marker = null; }
    lat.value = ""; lng.value = "";
    clear.hidden = true; status.textContent = ""; nearbyBox.innerHTML = "";
  });
  if (category) category.addEventListener("change", ask);
  // A pin from before an error or a language switch is shown again.
  if (lat.value && lng.value) {
    var again = L.latLng(parseFloat(lat.value), parseFloat(lng.value));
    marker = L.circleMarker(again, { radius: 9, color: "#b10e1e", weight: 3, fillOpacity: 0.8 }).addTo(map);
    map.setView(again, 15);
    clear.hidden = false;
  }
})();
