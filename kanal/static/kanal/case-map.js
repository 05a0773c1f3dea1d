/* The staff case page: the reporter's pin on the kelurahan boundaries (Leaflet, served by Kanal). */
(function () {
  "use strict";
  var el = document.getElementById("case-map");
  if (!el || !window.L) return;
  var here = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lng));
  var map = L.map(el, { center: here, zoom: 15, attributionControl: false });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  fetch(el.dataset.areasUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      L.geoJSON(data, { interactive: false, style: { color: "#0b3f73", weight: 1, fillColor: "#d2e3f3", fillOpacity: 0.4 } }).addTo(map);
      L.circleMarker(here, { radius: 9, color: "#b10e1e", weight: 3, fillOpacity: 0.8 }).addTo(map);
      el.dataset.ready = "1";
    });
})();
