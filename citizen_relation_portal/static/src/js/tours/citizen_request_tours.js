import { registry } from "@web/core/registry";

// a real 1x1 PNG picture: the server checks that photos decode
const PNG_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function attachPhoto(input) {
    const bytes = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "lampadaire.png", { type: "image/png" }));
    input.files = transfer.files;
}

/**
 * Run axe-core on the whole page (the document: Odoo's header, navigation and
 * footer around the addon's content) and fail on serious or critical
 * violations of WCAG 2.1 A and AA rules.
 */
export async function checkAccessibility() {
    if (!window.axe) {
        await new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = "/citizen_relation_portal/static/lib/axe-core/axe.min.js";
            script.onload = resolve;
            script.onerror = reject;
            document.head.appendChild(script);
        });
    }
    const results = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    const blocking = results.violations.filter((violation) =>
        ["serious", "critical"].includes(violation.impact)
    );
    if (blocking.length) {
        const summary = blocking
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)
            .join("; ");
        throw new Error(`Accessibility violations: ${summary}`);
    }
}

registry.category("web_tour.tours").add("citizen_request_form_tour", {
    url: "/requests/new",
    steps: () => [
        {
            content: "The form passes the automated accessibility check",
            trigger: "form.o_citizen_request_form",
            run: checkAccessibility,
        },
        {
            content: "Go to the tracking page",
            trigger: ".o_citizen_request_form_page a[href='/requests/track']",
            run: "click",
        },
        {
            content: "The tracking page passes the accessibility check",
            trigger: "form.o_citizen_request_track_form",
            run: checkAccessibility,
        },
        {
            trigger: "#reference",
            run: "edit DEM-1999-00001",
        },
        {
            content: "Send without the email address",
            trigger: ".o_citizen_request_track_form button[type='submit']",
            run: "click",
        },
        {
            content: "The error is announced and tied to the fields",
            trigger: "#track_error:focus",
        },
        {
            trigger: "#reference[aria-describedby='track_error']",
            run: checkAccessibility,
        },
        {
            trigger: "#email",
            run: "edit nobody@example.org",
        },
        {
            trigger: ".o_citizen_request_track_form button[type='submit']",
            run: "click",
        },
        {
            content:
                "The page says a link was emailed if the reference matches the address, and opens nothing",
            trigger: "#track_sent[role='status']:focus",
        },
        {
            trigger: ".o_citizen_request_track_page:not(:has(#track_error))",
            run: checkAccessibility,
        },
        {
            content: "Back to the form",
            trigger: ".o_citizen_request_track_page a[href='/requests/new']",
            run: "click",
        },
        {
            content: "Send the form empty: the errors are listed",
            trigger: "button.o_citizen_request_submit",
            run: "click",
        },
        {
            content: "The error summary is shown and receives the focus",
            trigger: "#citizen_form_errors:focus",
        },
        {
            trigger: "#title[aria-invalid='true'][aria-describedby='title_help title_error']",
        },
        {
            content: "The page with errors passes the accessibility check",
            trigger: "#title_error",
            run: checkAccessibility,
        },
        {
            content: "Choose the category",
            trigger: "label:contains('Roads Test')",
            run: "click",
        },
        {
            trigger: "#title",
            run: "edit Street lamp off",
        },
        {
            trigger: "#description",
            run: "edit The street lamp in front of number 4 is off.",
        },
        {
            trigger: "#street",
            run: "edit 4 rue Victor Hugo",
        },
        {
            trigger: "#contact_name",
            run: "edit Eve Tour",
        },
        {
            trigger: "#contact_email",
            run: "edit eve.tour@example.org",
        },
        {
            content: "Fill in the coordinates from the browser's position",
            trigger: "button.o_citizen_locate:not(.d-none)",
            run(helpers) {
                // the test browser has no position: give it one
                navigator.geolocation.getCurrentPosition = (success) =>
                    success({ coords: { latitude: 48.8566, longitude: 2.3522 } });
                return helpers.click();
            },
        },
        {
            trigger: ".o_citizen_locate_status:not(:empty)",
            run() {
                const latitude = document.querySelector("#latitude").value;
                if (latitude !== "48.856600") {
                    throw new Error(`latitude not filled in: ${latitude}`);
                }
            },
        },
        {
            content: "Attach a photo",
            trigger: "#photos",
            run() {
                attachPhoto(this.anchor);
            },
        },
        {
            trigger: "#consent",
            run: "click",
        },
        {
            trigger: "button.o_citizen_request_submit",
            run: "click",
        },
        {
            content: "The reference is given",
            trigger: ".o_citizen_request_reference:contains('DEM-')",
        },
        {
            content: "The success page passes the accessibility check",
            trigger: ".o_citizen_request_form_success",
            run: checkAccessibility,
        },
        {
            content: "Follow the request with the link (the same as in the email)",
            trigger: "a.o_citizen_request_follow",
            run: "click",
        },
        {
            trigger: ".o_citizen_request_status .o_citizen_status_open",
        },
        {
            content: "Reply to the town hall",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit It is still off tonight.",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('It is still off tonight.')",
        },
    ],
});

registry.category("web_tour.tours").add("citizen_portal_requests_tour", {
    url: "/my/requests",
    steps: () => [
        {
            content: "The member's own requests are listed",
            trigger: ".o_citizen_request_row:contains('Resolved lamp of Claire')",
        },
        {
            content: "... and those of their organisation",
            trigger: ".o_citizen_request_row:contains('Park bench broken')",
        },
        {
            content: "... but not other citizens' requests",
            trigger:
                "main:not(:contains('Bob secret lamp')):not(:contains('Pothole in Alice street'))",
        },
        {
            content: "The list passes the accessibility check",
            trigger: "table",
            run: checkAccessibility,
        },
        {
            content: "Show the closed requests only",
            trigger: "#citizen_filterby",
            run: "select closed",
        },
        {
            trigger: ".o_citizen_requests_filters button[type='submit']",
            run: "click",
        },
        {
            trigger: ".o_citizen_request_row:contains('Resolved lamp of Claire')",
        },
        {
            trigger: "main:not(:contains('Park bench broken'))",
        },
        {
            content: "Open the resolved request",
            trigger: ".o_citizen_request_row:contains('Resolved lamp of Claire') a",
            run: "click",
        },
        {
            content: "The request page passes the accessibility check",
            trigger: ".o_citizen_request_rating",
            run: checkAccessibility,
        },
        {
            content: "Rate the answer",
            trigger: "a.o_citizen_rate_5",
            run: "click",
        },
        {
            trigger: "textarea[name='feedback']",
            run: "edit Fixed in two days, thank you.",
        },
        {
            trigger: "textarea[name='feedback'] ~ button[type='submit']",
            run: "click",
        },
        {
            trigger: ".o_rating_page_thank_you",
        },
    ],
});
