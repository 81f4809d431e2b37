import { registry } from "@web/core/registry";
import { checkAccessibility } from "./citizen_request_tours";

function checkCoordinates() {
    const latitude = parseFloat(document.querySelector("#latitude").value);
    const longitude = parseFloat(document.querySelector("#longitude").value);
    // the town's centre of the settings, where the map opens
    if (Math.abs(latitude - 47.903) > 0.01 || Math.abs(longitude - 1.91) > 0.01) {
        throw new Error(`coordinates not filled from the pin: ${latitude}, ${longitude}`);
    }
}

registry.category("web_tour.tours").add("citizen_request_form_map_tour", {
    url: "/requests/new",
    steps: () => [
        {
            content: "The map is shown, with its help, and the page passes the accessibility check",
            trigger: ".o_citizen_form_map_block:not(.d-none) .o_citizen_form_map.leaflet-container",
            run: checkAccessibility,
        },
        {
            content: "Place the pin on the map",
            trigger: ".o_citizen_form_map",
            run: "click",
        },
        {
            content: "The pin is on the map and the coordinates are filled in",
            trigger: ".o_citizen_form_map .leaflet-marker-icon",
            run: checkCoordinates,
        },
        {
            content: "Typing other coordinates moves the pin",
            trigger: "#latitude",
            run: "edit 47.9040",
        },
        {
            trigger: "#longitude",
            run: "edit 1.9110",
        },
        {
            content: "Without a pointer: the pin goes to the centre of the map",
            trigger: "button.o_citizen_map_pin_centre",
            run: "click",
        },
        {
            trigger: ".o_citizen_map_status:not(:empty)",
            run: checkCoordinates,
        },
        {
            trigger: "label:contains('Roads Test')",
            run: "click",
        },
        {
            trigger: "#title",
            run: "edit Bench broken on the square",
        },
        {
            trigger: "#description",
            run: "edit The bench near the fountain is broken.",
        },
        {
            trigger: "#contact_name",
            run: "edit Mia Map",
        },
        {
            trigger: "#contact_email",
            run: "edit mia.map@example.org",
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
    ],
});

registry.category("web_tour.tours").add("citizen_request_public_map_tour", {
    url: "/requests/map",
    steps: () => [
        {
            content: "Filter by category (a plain form: it works without the map)",
            trigger: "#map_category",
            run() {
                const option = [...this.anchor.options].find((o) =>
                    o.textContent.includes("Roads Test")
                );
                this.anchor.value = option.value;
                this.anchor.form.submit();
            },
        },
        {
            content: "The clusters of the server are on the map: the two published requests",
            trigger: ".o_citizen_public_map:not([data-category='']) .o_citizen_map_cluster",
            run() {
                const counts = [
                    ...document.querySelectorAll(".o_citizen_public_map .o_citizen_map_cluster"),
                ].map((el) => parseInt(el.textContent, 10));
                if (counts.reduce((a, b) => a + b, 0) !== 2) {
                    throw new Error(`clusters on the map: ${counts}`);
                }
            },
        },
        {
            content: "The page with its map and list passes the accessibility check",
            trigger: ".o_citizen_map_table",
            run: checkAccessibility,
        },
    ],
});

registry.category("web_tour.tours").add("citizen_request_board_map_tour", {
    url: "/odoo/action-citizen_relation.citizen_request_action?view_type=citizen_map",
    steps: () => [
        {
            content: "The board's map shows the requests of the search",
            trigger: ".o_citizen_map_view .o_citizen_map_single.o_citizen_map_work_order",
            run: "click",
        },
        {
            content: "The bubble lists the work order and opens the request",
            trigger: ".leaflet-popup .o_citizen_map_work_order_line:contains('Reboucher le trou')",
        },
        {
            trigger: ".leaflet-popup a.o_citizen_map_open",
            run: "click",
        },
        {
            content: "The request is open",
            trigger: ".o_form_view .o_field_widget[name='title']:contains('Pothole in Alice street'), .o_form_view .o_field_widget[name='title'] input",
        },
    ],
});

registry.category("web_tour.tours").add("citizen_request_form_pin_address_tour", {
    url: "/requests/new",
    steps: () => [
        {
            content: "Drop the pin on the map",
            trigger: ".o_citizen_form_map.leaflet-container",
            run: "click",
        },
        {
            content: "The address found at the pin fills the address fields",
            trigger: ".o_citizen_map_status:contains('8 Boulevard du Port')",
            run() {
                const value = (id) => document.querySelector(`#${id}`).value;
                const got = [value("street"), value("zip"), value("city"), value("ban_id")];
                const expected = ["8 Boulevard du Port", "80000", "Amiens", "80021_6590_00008"];
                if (got.join("|") !== expected.join("|")) {
                    throw new Error(`address fields: ${got}`);
                }
            },
        },
        {
            trigger: "label:contains('Roads Test')",
            run: "click",
        },
        {
            trigger: "#title",
            run: "edit Pavement broken",
        },
        {
            trigger: "#description",
            run: "edit The pavement is broken by the port.",
        },
        {
            trigger: "#contact_name",
            run: "edit Pia Pin",
        },
        {
            trigger: "#contact_email",
            run: "edit pia.pin@example.org",
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
            trigger: ".o_citizen_request_reference:contains('DEM-')",
        },
    ],
});
