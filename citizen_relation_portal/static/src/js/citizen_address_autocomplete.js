/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { _t } from "@web/core/l10n/translation";

/**
 * Address completion (ARIA 1.2 combobox with a listbox). Without JavaScript
 * the address is typed and located by the server; with it, addresses of the
 * town are suggested from our own route /requests/address/search (which asks
 * the Base Adresse Nationale: the browser never calls a third party).
 *
 * Keyboard: Down/Up move among the suggestions, Enter picks, Escape closes.
 * Picking fills the address, postal code, town, position and the hidden
 * ban_id, and dispatches "citizen:address-picked" on the input (detail: the
 * result) for the map. Typing again forgets the pick.
 */
publicWidget.registry.CitizenAddressAutocomplete = publicWidget.Widget.extend({
    selector: ".o_citizen_address",
    events: {
        "input input[name='street']": "_onInput",
        "keydown input[name='street']": "_onKeydown",
        "blur input[name='street']": "_onBlur",
        "mousedown [role='option']": "_onOptionMouseDown",
    },

    start() {
        this.input = this.el.querySelector("input[name='street']");
        this.form = this.el.closest("form");
        this.results = [];
        this.active = -1;
        this.listbox = document.createElement("ul");
        this.listbox.id = `${this.input.id}_listbox`;
        this.listbox.setAttribute("role", "listbox");
        this.listbox.setAttribute("aria-label", _t("Suggested addresses"));
        this.listbox.className = "o_citizen_address_listbox list-group position-absolute w-100 d-none";
        this.status = document.createElement("div");
        this.status.className = "visually-hidden";
        this.status.setAttribute("role", "status");
        this.input.after(this.listbox, this.status);
        Object.entries({
            role: "combobox",
            "aria-autocomplete": "list",
            "aria-expanded": "false",
            "aria-controls": this.listbox.id,
        }).forEach(([name, value]) => this.input.setAttribute(name, value));
        return this._super(...arguments);
    },

    _field(name) {
        return this.form && this.form.querySelector(`[name='${name}']`);
    },

    _onInput() {
        const banId = this._field("ban_id");
        if (banId) {
            banId.value = "";
        }
        clearTimeout(this.timer);
        const query = this.input.value.trim();
        if (query.length < 3) {
            this._close();
            return;
        }
        this.timer = setTimeout(() => this._search(query), 250);
    },

    async _search(query) {
        let data;
        try {
            const response = await fetch(
                `/requests/address/search?limit=5&q=${encodeURIComponent(query)}`,
                { headers: { Accept: "application/json" } }
            );
            data = await response.json();
        } catch {
            return this._close();
        }
        if (query !== this.input.value.trim()) {
            return; // the visitor typed on
        }
        this.results = data.results || [];
        this._render();
    },

    _render() {
        this.listbox.replaceChildren(
            ...this.results.map((result, index) => {
                const option = document.createElement("li");
                option.id = `${this.listbox.id}_${index}`;
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", index === this.active ? "true" : "false");
                option.className = "list-group-item list-group-item-action";
                option.classList.toggle("active", index === this.active);
                option.dataset.index = index;
                option.textContent = result.label;
                return option;
            })
        );
        const open = this.results.length > 0;
        this.listbox.classList.toggle("d-none", !open);
        this.input.setAttribute("aria-expanded", open ? "true" : "false");
        if (this.active >= 0) {
            this.input.setAttribute("aria-activedescendant", `${this.listbox.id}_${this.active}`);
        } else {
            this.input.removeAttribute("aria-activedescendant");
        }
        this.status.textContent = open
            ? _t("%s addresses suggested: use the arrow keys to choose.", this.results.length)
            : "";
    },

    _close() {
        this.results = [];
        this.active = -1;
        this._render();
    },

    _onKeydown(ev) {
        if (!this.results.length) {
            return;
        }
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
            ev.preventDefault();
            const step = ev.key === "ArrowDown" ? 1 : -1;
            this.active = (this.active + step + this.results.length) % this.results.length;
            this._render();
        } else if (ev.key === "Enter" && this.active >= 0) {
            ev.preventDefault();
            this._pick(this.results[this.active]);
        } else if (ev.key === "Escape") {
            this._close();
        }
    },

    _onBlur() {
        setTimeout(() => this._close(), 150);
    },

    _onOptionMouseDown(ev) {
        ev.preventDefault();
        this._pick(this.results[Number(ev.currentTarget.dataset.index)]);
    },

    _pick(result) {
        const street = [result.housenumber, result.street].filter(Boolean).join(" ");
        this.input.value = street || result.label;
        const values = {
            ban_id: result.ban_id,
            zip: result.postcode,
            city: result.city,
            latitude: result.latitude.toFixed(6),
            longitude: result.longitude.toFixed(6),
        };
        for (const [name, value] of Object.entries(values)) {
            const field = this._field(name);
            if (field) {
                field.value = value;
            }
        }
        this._close();
        this.status.textContent = _t("Address chosen: %s", result.label);
        this.input.dispatchEvent(
            new CustomEvent("citizen:address-picked", { bubbles: true, detail: result })
        );
    },
});
