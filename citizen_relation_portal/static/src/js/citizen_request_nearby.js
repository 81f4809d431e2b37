/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { _t } from "@web/core/l10n/translation";

/**
 * Already reported nearby: once a category and a position are known, the
 * open requests of that category reported close by are offered, each with a
 * "Follow" button. Following posts the visitor's name and email (from the
 * contact fields of the form) to /requests/<id>/follow. Without the script
 * the section stays hidden and the form is filed as usual.
 */
publicWidget.registry.CitizenRequestNearby = publicWidget.Widget.extend({
    selector: ".o_citizen_request_form_page",
    events: {
        "change input[name='category_id']": "_onChange",
        "change input[name='latitude'], input[name='longitude']": "_onChange",
        "click .o_citizen_nearby_follow": "_onFollow",
    },

    start() {
        this.section = this.el.querySelector(".o_citizen_nearby");
        this._lastQuery = "";
        this._onChange();
        return this._super(...arguments);
    },

    _value(selector) {
        const input = this.el.querySelector(selector);
        return input ? input.value.trim() : "";
    },

    async _onChange() {
        if (!this.section) {
            return;
        }
        const category = this.el.querySelector("input[name='category_id']:checked");
        const lat = this._value("input[name='latitude']").replace(",", ".");
        const lon = this._value("input[name='longitude']").replace(",", ".");
        if (!category || !lat || !lon || isNaN(lat) || isNaN(lon)) {
            // the server looks for them with the address typed
            this._setOffered(false);
            this._show([]);
            return;
        }
        const query = new URLSearchParams({ category: category.value, lat, lon }).toString();
        if (query === this._lastQuery) {
            return;
        }
        this._lastQuery = query;
        this._setOffered(false);
        try {
            const response = await fetch(`/requests/nearby?${query}`, {
                headers: { Accept: "application/json" },
            });
            const data = response.ok ? await response.json() : { requests: [] };
            if (query === this._lastQuery) {
                this._show(data.requests || []);
                // offered here: the server files the form without asking again
                this._setOffered(response.ok);
            }
        } catch {
            this._show([]);
        }
    },

    _setOffered(offered) {
        const input = this.el.querySelector("input[name='nearby_offered']");
        if (input) {
            input.value = offered ? "1" : "";
        }
    },

    _show(requests) {
        const list = this.section.querySelector(".o_citizen_nearby_list");
        list.replaceChildren();
        this.section.querySelector(".o_citizen_nearby_error").textContent = "";
        for (const item of requests) {
            const li = document.createElement("li");
            li.className = "d-flex flex-wrap align-items-center gap-2 mb-2";
            const text = document.createElement("span");
            const reference = document.createElement("strong");
            reference.textContent = item.reference;
            text.append(
                reference,
                ` "${item.title}" · ${item.stage} · ` +
                    _t("about %(distance)s m away, reported on %(date)s", {
                        distance: item.distance,
                        date: item.date || "",
                    })
            );
            const button = document.createElement("button");
            button.type = "button";
            button.className = "btn btn-sm btn-primary o_citizen_nearby_follow";
            button.dataset.followUrl = item.follow_url;
            button.textContent = _t("Follow %(reference)s", { reference: item.reference });
            li.append(text, button);
            list.append(li);
        }
        this.section.classList.toggle("d-none", !requests.length);
    },

    _onFollow(ev) {
        const name = this._value("input[name='contact_name']");
        const email = this._value("input[name='contact_email']");
        if (!name || !email) {
            this.section.querySelector(".o_citizen_nearby_error").textContent = _t(
                "To follow it, first give your name and email under \"How to reach you\"."
            );
            const field = this.el.querySelector(
                name ? "input[name='contact_email']" : "input[name='contact_name']"
            );
            if (field) {
                field.focus();
            }
            return;
        }
        ev.currentTarget.disabled = true;
        const form = document.createElement("form");
        form.method = "post";
        form.action = ev.currentTarget.dataset.followUrl;
        const values = {
            csrf_token: this._value("input[name='csrf_token']"),
            name,
            email,
        };
        for (const [key, value] of Object.entries(values)) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = key;
            input.value = value;
            form.append(input);
        }
        document.body.append(form);
        form.submit();
    },
});
