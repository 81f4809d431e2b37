/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { ReCaptcha } from "@google_recaptcha/js/recaptcha";

/**
 * The form works without JavaScript. With it, the error summary receives the
 * focus so that screen readers announce it, and the reCAPTCHA token is added
 * when the town configured reCAPTCHA keys.
 */
publicWidget.registry.CitizenRequestForm = publicWidget.Widget.extend({
    selector: ".o_citizen_request_form_page, .o_citizen_request_track_page",
    events: {
        "submit form.o_citizen_request_form": "_onSubmit",
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
            "#citizen_form_errors, #citizen_form_general_error, #track_error"
        );
        if (summary) {
            summary.focus();
        }
        return this._super(...arguments);
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
