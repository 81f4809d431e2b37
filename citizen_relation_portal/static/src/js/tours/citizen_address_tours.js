import { registry } from "@web/core/registry";

function key(input, name) {
    input.dispatchEvent(new KeyboardEvent("keydown", { key: name, bubbles: true }));
}

function expectValue(selector, expected) {
    const value = document.querySelector(selector).value;
    if (value !== expected) {
        throw new Error(`${selector}: expected ${expected}, got ${value}`);
    }
}

// A visitor types "8 bd du Port", picks the suggestion with the keyboard and
// sends the form: the server's stand-in BAN answers the suggestions.
registry.category("web_tour.tours").add("citizen_address_completion_tour", {
    url: "/requests/new",
    steps: () => [
        {
            trigger: "label:contains('Roads Test')",
            run: "click",
        },
        {
            trigger: "#title",
            run: "edit Lampadaire éteint",
        },
        {
            trigger: "#description",
            run: "edit Le lampadaire devant le 8 est éteint.",
        },
        {
            content: "Type the address: the town's addresses are suggested",
            trigger: "#street[role='combobox']",
            run: "edit 8 bd du Port",
        },
        {
            trigger:
                "#street[aria-expanded='true'] ~ #street_listbox [role='option']:contains('8 Boulevard du Port 80000 Amiens')",
        },
        {
            content: "Down arrow: the suggestion becomes the active option",
            trigger: "#street",
            run() {
                key(this.anchor, "ArrowDown");
            },
        },
        {
            trigger: "#street[aria-activedescendant='street_listbox_0']",
            run() {
                key(this.anchor, "Enter");
            },
        },
        {
            content: "Enter picks it: address, postal code, town, position, BAN id",
            trigger: "#street[aria-expanded='false']",
            run() {
                expectValue("#street", "8 Boulevard du Port");
                expectValue("#zip", "80000");
                expectValue("#city", "Amiens");
                expectValue("#latitude", "49.897443");
                expectValue("#longitude", "2.290084");
                expectValue("#ban_id", "80021_6590_00008");
            },
        },
        {
            trigger: "#contact_name",
            run: "edit Eve Adresse",
        },
        {
            trigger: "#contact_email",
            run: "edit eve.adresse@example.org",
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
            trigger: ".o_citizen_request_form_success .o_citizen_request_reference:contains('DEM-')",
        },
    ],
});
