import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("citizen_relation_request_tour", {
    url: "/odoo/action-citizen_relation.citizen_request_action",
    steps: () => [
        {
            content: "The request card shows its reference and channel",
            trigger: ".o_kanban_record:contains('Tour pothole'):has(.fa-building)",
            run: "click",
        },
        {
            content: "The form shows the reference given at intake",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('DEM-')",
        },
        {
            content: "The possible duplicates are listed",
            trigger: ".o_notebook a[name='duplicates']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='duplicate_candidate_ids'] .o_data_row:contains('Tour pothole')",
        },
        {
            content: "Back to the requests",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the request",
            trigger: ".o_list_view .o_data_row:contains('Tour pothole')",
        },
    ],
});
