/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { loadCSS, loadJS } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";

const LEAFLET = "/citizen_relation_portal/static/lib/leaflet";

/** Load the vendored Leaflet (1.9.4) only on the pages that show a map. */
async function loadLeaflet() {
    await Promise.all([loadJS(`${LEAFLET}/leaflet.js`), loadCSS(`${LEAFLET}/leaflet.css`)]);
    return window.L;
}

/** A Leaflet map on ``el`` with the tiles and starting view of its data. */
function makeMap(L, el, options = {}) {
    const map = L.map(el, { scrollWheelZoom: false, ...options }).setView(
        [parseFloat(el.dataset.latitude), parseFloat(el.dataset.longitude)],
        parseInt(el.dataset.zoom, 10)
    );
    L.tileLayer(el.dataset.tileUrl, {
        attribution: el.dataset.attribution,
        maxZoom: 19,
    }).addTo(map);
    return map;
}

/**
 * The pin of the form. The address fields and the coordinates stay the way
 * to give a place (without JavaScript, by keyboard): the map only fills them.
 * Dropping or moving the pin fills the coordinates and, when the address
 * service finds one, the address; typing coordinates or picking an address
 * suggestion (which fills the coordinates) moves the pin. Nothing here is
 * needed to send the form.
 */
publicWidget.registry.CitizenRequestFormMap = publicWidget.Widget.extend({
    selector: ".o_citizen_request_form_page",
    events: {
        "click .o_citizen_map_pin_centre": "_onPinCentre",
        "change #latitude, #longitude": "_onCoordinatesChange",
        "citizen:address-picked": "_onAddressPicked",
    },

    async start() {
        await this._super(...arguments);
        const block = this.el.querySelector(".o_citizen_form_map_block");
        if (!block) {
            return;
        }
        this.L = await loadLeaflet();
        block.classList.remove("d-none");
        this.mapEl = block.querySelector(".o_citizen_form_map");
        this.map = makeMap(this.L, this.mapEl);
        this.map.on("click", (ev) => this._placePin(ev.latlng, true));
        const position = this._readCoordinates();
        if (position) {
            this._placePin(position, false);
            this.map.setView(position, Math.max(this.map.getZoom(), 17));
        }
    },

    destroy() {
        this.map?.remove();
        this._super(...arguments);
    },

    _readCoordinates() {
        const lat = parseFloat(this.el.querySelector("#latitude")?.value);
        const lon = parseFloat(this.el.querySelector("#longitude")?.value);
        if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
            return null;
        }
        return this.L.latLng(lat, lon);
    },

    /** Put the pin at ``latlng``; ``fromMap``: the citizen placed it there. */
    _placePin(latlng, fromMap) {
        if (!this.marker) {
            this.marker = this.L.marker(latlng, {
                draggable: true,
                keyboard: false,
                title: _t("Place of the request"),
                alt: _t("Pin of the place of the request"),
            }).addTo(this.map);
            this.marker.on("dragend", () => this._onPinMoved(this.marker.getLatLng()));
        } else {
            this.marker.setLatLng(latlng);
        }
        if (fromMap) {
            this._onPinMoved(latlng);
        }
    },

    _onPinMoved(latlng) {
        this.el.querySelector("#latitude").value = latlng.lat.toFixed(6);
        this.el.querySelector("#longitude").value = latlng.lng.toFixed(6);
        this._setStatus(_t("The pin is placed; the coordinates were filled in."));
        return this._reverseGeocode(latlng);
    },

    _onPinCentre() {
        this._placePin(this.map.getCenter(), true);
    },

    _onCoordinatesChange() {
        const position = this.map && this._readCoordinates();
        if (position) {
            this._placePin(position, false);
            this.map.panTo(position);
        }
    },

    /** An address suggestion was picked: the pin goes there. */
    _onAddressPicked(ev) {
        const { latitude, longitude } = ev.detail || {};
        if (this.map && isFinite(latitude) && isFinite(longitude)) {
            const position = this.L.latLng(latitude, longitude);
            this._placePin(position, false);
            this.map.setView(position, Math.max(this.map.getZoom(), 17));
        }
    },

    _setStatus(text) {
        const status = this.el.querySelector(".o_citizen_map_status");
        if (status) {
            status.textContent = text;
        }
    },

    /** Fill the address from the pin, through the town's address service. */
    async _reverseGeocode(latlng) {
        const url = `/requests/address/reverse?lat=${latlng.lat.toFixed(6)}&lon=${latlng.lng.toFixed(6)}`;
        let address;
        try {
            const response = await fetch(url, { headers: { Accept: "application/json" } });
            if (!response.ok) {
                return;
            }
            address = ((await response.json()).results || [])[0];
        } catch {
            // the address service is optional: the coordinates are enough
            return;
        }
        if (!address) {
            return;
        }
        const fill = (selector, value) => {
            const input = this.el.querySelector(selector);
            if (input && value) {
                input.value = value;
            }
        };
        fill("#street", [address.housenumber, address.street].filter(Boolean).join(" "));
        fill("#zip", address.postcode);
        fill("#city", address.city);
        fill("#ban_id", address.ban_id);
        this._setStatus(
            _t("The pin is placed at %(address)s; check the address fields.", {
                address: address.label,
            })
        );
    },
});

/**
 * The public map of open requests: clusters computed by the server for the
 * visible area and zoom. The same requests are listed in the table of the
 * page, which is the way to read them without the map.
 */
publicWidget.registry.CitizenPublicMap = publicWidget.Widget.extend({
    selector: ".o_citizen_public_map_page",

    async start() {
        await this._super(...arguments);
        const el = this.el.querySelector(".o_citizen_public_map");
        this.L = await loadLeaflet();
        el.classList.remove("d-none");
        this.el.querySelector(".o_citizen_public_map_help")?.classList.remove("d-none");
        this.category = el.dataset.category;
        this.map = makeMap(this.L, el);
        this.layer = this.L.layerGroup().addTo(this.map);
        this.map.on("moveend", () => this._load());
        await this._load();
    },

    destroy() {
        this.map?.remove();
        this._super(...arguments);
    },

    async _load() {
        const bounds = this.map.getBounds();
        const params = new URLSearchParams({
            bbox: [
                bounds.getWest(),
                bounds.getSouth(),
                bounds.getEast(),
                bounds.getNorth(),
            ]
                .map((value) => value.toFixed(5))
                .join(","),
            zoom: this.map.getZoom(),
        });
        if (this.category) {
            params.set("category", this.category);
        }
        const response = await fetch(`/requests/map/data?${params}`);
        if (!response.ok) {
            return;
        }
        const { clusters } = await response.json();
        this.layer.clearLayers();
        for (const cluster of clusters) {
            this.L.marker([cluster.latitude, cluster.longitude], {
                keyboard: false,
                icon: clusterIcon(this.L, cluster.count),
                title: _t("%(count)s open request(s)", { count: cluster.count }),
            }).addTo(this.layer);
        }
    },
});

/** A round marker with the number of requests it stands for. */
export function clusterIcon(L, count, className = "") {
    const size = count < 10 ? 30 : count < 100 ? 36 : 44;
    return L.divIcon({
        className: `o_citizen_map_cluster ${className}`,
        html: `<span>${count}</span>`,
        iconSize: [size, size],
    });
}
