/** @odoo-module **/

import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    onWillUpdateProps,
    useRef,
} from "@odoo/owl";
import { loadCSS, loadJS } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { CogMenu } from "@web/search/cog_menu/cog_menu";
import { Layout } from "@web/search/layout";
import { SearchBar } from "@web/search/search_bar/search_bar";
import { useSearchBarToggler } from "@web/search/search_bar/search_bar_toggler";
import { standardViewProps } from "@web/views/standard_view_props";

const LEAFLET = "/citizen_relation_portal/static/lib/leaflet";

/**
 * The board's map: the requests of the current search (the kanban's filters)
 * grouped by the server per grid cell of the visible area. A request alone
 * in its cell is a marker that opens it; a request with work orders has a
 * marker of its own and lists them. The server reads as the user: record
 * rules apply.
 */
export class CitizenMapController extends Component {
    static template = "citizen_relation_portal.CitizenMapView";
    static components = { Layout, CogMenu, SearchBar };
    static props = { ...standardViewProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.mapRef = useRef("map");
        this.searchBarToggler = useSearchBarToggler();
        this.domain = this.props.domain;
        onWillStart(async () => {
            [this.settings] = await Promise.all([
                this.orm.call(this.props.resModel, "get_map_settings", []),
                loadJS(`${LEAFLET}/leaflet.js`),
                loadCSS(`${LEAFLET}/leaflet.css`),
            ]);
        });
        onMounted(() => this.mountMap());
        onWillUpdateProps((nextProps) => {
            this.domain = nextProps.domain;
            return this.load();
        });
        onWillUnmount(() => this.map?.remove());
    }

    mountMap() {
        const L = window.L;
        this.map = L.map(this.mapRef.el).setView(
            [this.settings.latitude, this.settings.longitude],
            this.settings.zoom
        );
        L.tileLayer(this.settings.tile_url, {
            attribution: this.settings.attribution,
            maxZoom: 19,
        }).addTo(this.map);
        this.layer = L.layerGroup().addTo(this.map);
        this.map.on("moveend", () => this.load());
        this.load();
    }

    async load() {
        if (!this.map) {
            return;
        }
        const bounds = this.map.getBounds();
        const clusters = await this.orm.call(this.props.resModel, "get_map_data", [
            this.domain,
            [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
            this.map.getZoom(),
        ]);
        this.draw(clusters);
    }

    draw(clusters) {
        const L = window.L;
        this.layer.clearLayers();
        for (const cluster of clusters) {
            const single = Boolean(cluster.id);
            const withOrders = single && cluster.work_orders.length;
            const marker = L.marker([cluster.latitude, cluster.longitude], {
                icon: L.divIcon({
                    className: `o_citizen_map_cluster ${
                        single ? "o_citizen_map_single" : ""
                    } ${withOrders ? "o_citizen_map_work_order" : ""}`,
                    html: single
                        ? `<i class="fa ${withOrders ? "fa-wrench" : "fa-map-marker"}"></i>`
                        : `<span>${cluster.count}</span>`,
                    iconSize: single ? [30, 30] : [36, 36],
                }),
                title: single
                    ? `${cluster.name} ${cluster.title}`
                    : _t("%(count)s requests", { count: cluster.count }),
            }).addTo(this.layer);
            if (single) {
                marker.bindPopup(() => this.popup(cluster));
            } else {
                marker.on("click", () =>
                    this.map.setView(marker.getLatLng(), this.map.getZoom() + 2)
                );
            }
        }
    }

    popup(cluster) {
        const el = document.createElement("div");
        const link = document.createElement("a");
        link.href = "#";
        link.className = "o_citizen_map_open fw-bold";
        link.textContent = `${cluster.name} – ${cluster.title}`;
        link.addEventListener("click", (ev) => {
            ev.preventDefault();
            this.props.selectRecord(cluster.id);
        });
        el.appendChild(link);
        const details = document.createElement("div");
        details.textContent = `${cluster.category} · ${cluster.stage}`;
        el.appendChild(details);
        for (const order of cluster.work_orders) {
            const line = document.createElement("div");
            line.className = "o_citizen_map_work_order_line";
            line.textContent = _t("Work order: %(name)s (%(stage)s)", order);
            el.appendChild(line);
        }
        return el;
    }
}

export const citizenMapView = {
    type: "citizen_map",
    display_name: _t("Map"),
    icon: "fa fa-map-marker",
    multiRecord: true,
    searchMenuTypes: ["filter", "favorite"],
    Controller: CitizenMapController,
};

registry.category("views").add("citizen_map", citizenMapView);
