/* Kopiena's maps, drawn with Leaflet (static/vendor/) on the elements marked `data-map`.

   Without JavaScript a map's block stays hidden and the page's text is all there is: the list of the same items,
   the address. So this file only adds; it changes nothing a person needs.

   A map element says what to show in data attributes, all written by the server (templates/_macros/maps.html):
     data-geojson   the address of the points (a FeatureCollection with our `capped` and `centre` members), or
     data-point     "latitude,longitude" of one place (the small map of an idea's or an activity's page);
     data-title     the one place's name (its marker's text);
     data-tile-url, data-attribution, data-attribution-url   the tile server and the credit it asks for;
     data-label-*   the words of the map's controls in the page's language.
   Text from people (titles, places) only ever goes into the page as text nodes, never as HTML.
   No inline script or style: the Content-Security-Policy allows neither (Leaflet positions things through the
   style properties of elements, which the policy allows). */
(function () {
  "use strict";

  // Where a map with nothing to show opens (Latgale: Preiļi, Aglona, Rēzekne, Daugavpils) and how close.
  var FALLBACK_CENTRE = [56.2, 26.9];
  var FALLBACK_ZOOM = 8;
  // How close a map opens on a chosen centre, and on one place; the closest a fitted view goes.
  var CENTRE_ZOOM = 11;
  var POINT_ZOOM = 15;
  var MAX_FIT_ZOOM = 15;

  // Tiles as Leaflet's, but a tile Leaflet drops (a zoom, a move) is emptied by removing its address rather than by
  // pointing it at a data: picture, which the Content-Security-Policy (img-src without data:) refuses, reporting a
  // violation for every dropped tile. The rest is Leaflet 1.9.4's own GridLayer/TileLayer code.
  var TileLayer = L.TileLayer.extend({
    _abortLoading: function () {
      for (var key in this._tiles) {
        var tile = this._tiles[key];
        if (tile.coords.z === this._tileZoom) continue;
        var image = tile.el;
        image.onload = L.Util.falseFn;
        image.onerror = L.Util.falseFn;
        if (!image.complete) {
          image.removeAttribute("src");
          L.DomUtil.remove(image);
          delete this._tiles[key];
          this.fire("tileabort", { tile: image, coords: tile.coords });
        }
      }
    },
    _removeTile: function (key) {
      var tile = this._tiles[key];
      if (!tile) return;
      tile.el.removeAttribute("src");
      return L.GridLayer.prototype._removeTile.call(this, key);
    },
    _tileReady: function (coords, error, tile) {
      if (this._map && (!tile || tile.getAttribute("src"))) {
        return L.GridLayer.prototype._tileReady.call(this, coords, error, tile);
      }
    },
  });

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (character) {
      return "&#" + character.charCodeAt(0) + ";";
    });
  }

  // Leaflet takes the attribution as HTML: built here from the settings, escaped.
  function attributionHtml(data) {
    if (!data.attribution) return "";
    if (!data.attributionUrl) return escapeHtml(data.attribution);
    return '<a href="' + escapeHtml(data.attributionUrl) + '">' + escapeHtml(data.attribution) + "</a>";
  }

  // The map, its tiles and its controls, labelled in the page's language. A tile that fails to load leaves a
  // blank square: the markers and the page go on working.
  function makeMap(element, options) {
    var data = element.dataset;
    var map = L.map(element, {
      zoomControl: false,
      scrollWheelZoom: options.scrollWheelZoom,
      center: FALLBACK_CENTRE,
      zoom: FALLBACK_ZOOM,
    });
    L.control.zoom({ zoomInTitle: data.labelZoomIn || "+", zoomOutTitle: data.labelZoomOut || "−" }).addTo(map);
    new TileLayer(data.tileUrl, { attribution: attributionHtml(data), maxZoom: 19 }).addTo(map);
    map.on("popupopen", function (event) {
      var popup = event.popup.getElement();
      var close = popup && popup.querySelector(".leaflet-popup-close-button");
      if (close && data.labelClose) close.setAttribute("aria-label", data.labelClose);
      // a person who opened the popup from the keyboard lands on its link
      var link = popup && popup.querySelector("a.map-popup__title");
      if (link) link.focus({ preventScroll: true });
    });
    return map;
  }

  // A marker that reads as its item's title (Leaflet makes it a keyboard-reachable button).
  function marker(latLng, title) {
    return L.marker(latLng, { title: title, alt: title, keyboard: true, riseOnHover: true });
  }

  // The popup: the title linking to the item's page, and a short line (category and state, or date and place).
  function popupContent(properties) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var link = document.createElement("a");
    link.className = "map-popup__title";
    link.href = properties.url;
    link.textContent = properties.title;
    box.appendChild(link);
    if (properties.line) {
      var line = document.createElement("p");
      line.className = "map-popup__line";
      line.textContent = properties.line;
      box.appendChild(line);
    }
    return box;
  }

  // A cluster's icon: its number, and for a screen reader what it is ("Ideas here: 12. Zoom in to see them.").
  function clusterIcon(label) {
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var inner = document.createElement("div");
      var number = document.createElement("span");
      number.setAttribute("aria-hidden", "true");
      number.textContent = String(count);
      inner.appendChild(number);
      var words = document.createElement("span");
      words.className = "visually-hidden";
      words.textContent = label.replace("{n}", String(count));
      inner.appendChild(words);
      return L.divIcon({ html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
    };
  }

  function show(block, selector) {
    var note = block.querySelector(selector);
    if (note) note.hidden = false;
  }

  // The markers of the data address, clustered; the map opens on the chosen centre, else around the markers,
  // else on the fallback view. When the data cannot be had, the page says so (the list is still there).
  function drawPoints(element, block) {
    var data = element.dataset;
    var map = makeMap(element, { scrollWheelZoom: true });
    var group = L.markerClusterGroup({ iconCreateFunction: clusterIcon(data.labelCluster || "{n}") });
    // after a cluster opened from the keyboard is gone, the focus stays on the map (not lost on the page)
    // (only the zoom that Enter starts: at the closest zoom a cluster spreads its markers out instead)
    group.on("clusterkeypress", function (event) {
      if (!event.originalEvent || event.originalEvent.keyCode !== 13) return;
      var refocus = function () { element.focus({ preventScroll: true }); };
      map.once("zoomend", refocus);
      setTimeout(function () { map.off("zoomend", refocus); }, 1000);
    });
    map.addLayer(group);
    fetch(data.geojson, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("map data: " + response.status);
        return response.json();
      })
      .then(function (collection) {
        var markers = collection.features.map(function (feature) {
          var coordinates = feature.geometry.coordinates;
          var point = marker([coordinates[1], coordinates[0]], feature.properties.title);
          point.bindPopup(function () { return popupContent(feature.properties); });
          return point;
        });
        // the first view at once and before the markers come (no zoom's animation, no clusters regrouping while a
        // person may already click): on the chosen centre, else around the markers, else the fallback view
        if (collection.centre) {
          map.setView(collection.centre, CENTRE_ZOOM, { animate: false });
        } else if (markers.length) {
          var bounds = L.latLngBounds(markers.map(function (point) { return point.getLatLng(); }));
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: MAX_FIT_ZOOM, animate: false });
        }
        group.addLayers(markers);
        if (collection.capped) show(block, "[data-map-capped]");
        if (!markers.length) show(block, "[data-map-empty]");
        element.setAttribute("data-map-ready", String(markers.length));
      })
      .catch(function () {
        show(block, "[data-map-failed]");
        element.setAttribute("data-map-ready", "failed");
      });
  }

  // One place: its marker, the map on it; nothing to fetch.
  function drawPoint(element) {
    var data = element.dataset;
    var parts = data.point.split(",").map(Number);
    if (parts.length !== 2 || !isFinite(parts[0]) || !isFinite(parts[1])) return;
    var map = makeMap(element, { scrollWheelZoom: false });
    map.setView(parts, POINT_ZOOM);
    marker(parts, data.title || "").addTo(map);
    element.setAttribute("data-map-ready", "1");
  }

  function start() {
    if (typeof L === "undefined") return; // Leaflet did not load: the page stays as it is without JavaScript
    var elements = document.querySelectorAll("[data-map]");
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      var block = element.closest("[data-map-block]") || element;
      block.hidden = false; // before Leaflet measures the element
      if (element.dataset.geojson) {
        drawPoints(element, block);
      } else if (element.dataset.point) {
        drawPoint(element);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
