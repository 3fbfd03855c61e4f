/* The location picker: a small map above a place's two coordinate fields (templates/_macros/location_picker.html).
 *
 * A click on the map puts the marker there, dragging the marker moves it, and either fills in the fields;
 * numbers typed into the fields move the marker; "Remove the spot" empties them. The fields stay the
 * truth: the server reads and checks only them, so without this script (or without map tiles, which may
 * fail to load) the form works the same. The picker is hidden in the page and shown only here.
 * No inline script: the page's Content-Security-Policy allows scripts from this site only.
 */
(function () {
  "use strict";

  var LATGALE = [56.25, 26.9]; // where the map opens when neither the spot nor the centre is known
  var LATGALE_ZOOM = 8;
  var CENTRE_ZOOM = 13;
  var SPOT_ZOOM = 16;
  var DECIMALS = 6; // about 10 cm: more than a click on the map can mean

  /** The number written in a field (a point or a comma), or null when it is empty or not a number within the limit. */
  function readCoordinate(field, limit) {
    var text = field.value.trim().replace(",", ".");
    if (text === "" || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) {
      return null;
    }
    var value = Number(text);
    return isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  /** A coordinate as the fields show it: at most six decimals, no trailing zeros. */
  function writeCoordinate(value) {
    return value.toFixed(DECIMALS).replace(/\.?0+$/, "");
  }

  /** Text safe to put into the map's attribution, which Leaflet treats as HTML. */
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (character) {
      return "&#" + character.charCodeAt(0) + ";";
    });
  }

  /** The tile server's credit (MAP_ATTRIBUTION, linked to MAP_ATTRIBUTION_URL), escaped. */
  function attribution(picker) {
    var text = escapeHtml(picker.dataset.attribution || "");
    var url = picker.dataset.attributionUrl || "";
    return /^https?:\/\//.test(url) ? '<a href="' + escapeHtml(url) + '">' + text + "</a>" : text;
  }

  /** One picker: shows it, makes its map, and ties the marker and the two fields together. */
  function setUp(picker) {
    var latitude = document.getElementById(picker.dataset.latitude);
    var longitude = document.getElementById(picker.dataset.longitude);
    var centreSelect = picker.dataset.centreSelect ? document.getElementById(picker.dataset.centreSelect) : null;
    var centres = JSON.parse(picker.dataset.centres || "{}");
    var removeButton = picker.querySelector(".location-picker__remove");
    var status = picker.querySelector(".location-picker__status");
    if (!latitude || !longitude) {
      return;
    }
    picker.hidden = false; // before the map is made: Leaflet measures its box

    var map = L.map(picker.querySelector(".location-picker__map"), { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: picker.dataset.zoomIn, zoomOutTitle: picker.dataset.zoomOut }).addTo(map);
    map.attributionControl.setPrefix(false);
    // A tile that fails to load (no network, a tile server down) leaves a grey square; the picker works on.
    L.tileLayer(picker.dataset.tileUrl, { maxZoom: 19, attribution: attribution(picker) }).addTo(map);
    var marker = null;

    /** The centre whose position the map should open on: the one chosen in the form, else the page's own. */
    function centrePosition() {
      var id = centreSelect ? centreSelect.value : picker.dataset.centre;
      if (!id && !centreSelect && Object.keys(centres).length === 1) {
        id = Object.keys(centres)[0]; // a one-centre site asks for no centre
      }
      return centres[id] || null;
    }

    /** Tell screen reader users what the map did to the fields (the status line is aria-live). */
    function say(text) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50); // a change of text is what screen readers announce
    }

    function showRemoveButton() {
      removeButton.hidden = marker === null;
    }

    function fillFields(position) {
      latitude.value = writeCoordinate(position.lat);
      longitude.value = writeCoordinate(position.lng);
    }

    function placeMarker(position) {
      if (marker === null) {
        marker = L.marker(position, { draggable: true, title: picker.dataset.markerLabel, alt: picker.dataset.markerLabel });
        marker.on("dragend", function () {
          fillFields(marker.getLatLng());
          say(picker.dataset.textMoved);
        });
        marker.addTo(map);
      } else {
        marker.setLatLng(position);
      }
      showRemoveButton();
    }

    function removeMarker() {
      if (marker !== null) {
        map.removeLayer(marker);
        marker = null;
      }
      showRemoveButton();
    }

    /** The marker where the fields say (typed numbers), or none when both are empty; half-typed numbers change nothing. */
    function followFields() {
      var lat = readCoordinate(latitude, 90);
      var lng = readCoordinate(longitude, 180);
      if (lat !== null && lng !== null) {
        placeMarker([lat, lng]);
        map.panTo([lat, lng]);
      } else if (latitude.value.trim() === "" && longitude.value.trim() === "") {
        removeMarker();
      }
    }

    map.on("click", function (event) {
      placeMarker(event.latlng);
      fillFields(event.latlng);
      say(picker.dataset.textSet);
    });
    latitude.addEventListener("input", followFields);
    longitude.addEventListener("input", followFields);
    removeButton.addEventListener("click", function () {
      latitude.value = "";
      longitude.value = "";
      removeMarker();
      say(picker.dataset.textRemoved);
      latitude.focus();
    });
    if (centreSelect) {
      centreSelect.addEventListener("change", function () {
        var position = centrePosition();
        if (marker === null && position) {
          map.setView(position, CENTRE_ZOOM);
        }
      });
    }

    // The view first (Leaflet places no marker on a map without one): the spot, else the centre, else Latgale.
    var spot = [readCoordinate(latitude, 90), readCoordinate(longitude, 180)];
    if (spot[0] !== null && spot[1] !== null) {
      map.setView(spot, SPOT_ZOOM);
    } else if (centrePosition()) {
      map.setView(centrePosition(), CENTRE_ZOOM);
    } else {
      map.setView(LATGALE, LATGALE_ZOOM);
    }
    followFields();
  }

  if (window.L) {
    Array.prototype.forEach.call(document.querySelectorAll(".location-picker"), setUp);
  }
})();
