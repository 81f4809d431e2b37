/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { ReCaptcha } from "@google_recaptcha/js/recaptcha";
import { _t } from "@web/core/l10n/translation";

/**
 * The form works without JavaScript. With it, the error summary receives the
 * focus so that screen readers announce it, the visitor may fill in the
 * coordinates from the browser's position, and the reCAPTCHA token is added
 * when the town configured reCAPTCHA keys.
 */
publicWidget.registry.CitizenRequestForm = publicWidget.Widget.extend({
    selector: ".o_citizen_request_form_page, .o_citizen_request_track_page",
    events: {
        "submit form.o_citizen_request_form": "_onSubmit",
        "click .o_citizen_locate": "_onLocate",
    },

    init() {
        this._super(...arguments);
        this._recaptcha = new ReCaptcha();
    },

    async willStart() {
        if (this.el.querySelector("form.o_citizen_request_form")) {
            return this._recaptcha.loadLibs();
        }
    },

    start() {
        const summary = this.el.querySelector(
            "#citizen_form_errors, #citizen_form_general_error, #track_error, #track_sent"
        );
        if (summary) {
            summary.focus();
        }
        const locate = this.el.querySelector(".o_citizen_locate");
        if (locate && navigator.geolocation) {
            locate.classList.remove("d-none");
        }
        return this._super(...arguments);
    },

    _onLocate() {
        const status = this.el.querySelector(".o_citizen_locate_status");
        status.textContent = _t("Looking for your position…");
        navigator.geolocation.getCurrentPosition(
            (position) => {
                const { latitude, longitude } = position.coords;
                this.el.querySelector("#latitude").value = latitude.toFixed(6);
                this.el.querySelector("#longitude").value = longitude.toFixed(6);
                status.textContent = _t("Your position was filled in.");
            },
            () => {
                status.textContent = _t(
                    "Your position could not be found. Please type the address."
                );
            },
            { timeout: 15000 }
        );
    },

    _onSubmit(ev) {
        const form = ev.currentTarget;
        if (
            this._recaptcha._publicKey &&
            !form.querySelector("input[name='recaptcha_token_response']")
        ) {
            ev.preventDefault();
            this._recaptcha.getToken("citizen_request_form").then((result) => {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = "recaptcha_token_response";
                input.value = result.token || "";
                form.appendChild(input);
                form.submit();
            });
        }
    },
});
