/* Kanal field app service worker (served at /lapangan/sw.js with KANAL_FIELD above).
 *
 * Keeps the app page and its few files so the app opens with no signal. The page is
 * fetched from the network first (fresh token, today's visits) and from the cache only
 * when offline; the JSON endpoints are never cached. The app deletes these caches on
 * sign-out.
 */
"use strict";
var CACHE = "kanal-field-" + KANAL_FIELD.version;

function keepPage(cache) {
  return fetch(KANAL_FIELD.page, { credentials: "same-origin" }).then(function (res) {
    if (res.ok && !res.redirected) { return cache.put(KANAL_FIELD.page, res); }
    return null;
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all([cache.addAll(KANAL_FIELD.assets), keepPage(cache)]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("kanal-field-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === KANAL_FIELD.page) {
    event.respondWith(fetch(request).then(function (res) {
      if (res.ok && !res.redirected) {
        var copy = res.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(KANAL_FIELD.page, copy); });
      }
      return res;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(KANAL_FIELD.page); })
        .then(function (res) { return res || Response.error(); });
    }));
    return;
  }
  if (KANAL_FIELD.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (res) { return res || fetch(request); });
    }));
  }
});
