import { registry } from "@web/core/registry";

// The manager's workload plan: citizen work, partner work and routine work
// stand together by stage, each card showing its origin.
registry.category("web_tour.tours").add("citizen_workload_board_tour", {
    steps: () => [
        {
            content: "The citizen's pothole is on the board, marked as citizen work",
            trigger: ".o_kanban_record:contains('Nid de poule du tour'):has(.badge.text-bg-success)",
        },
        {
            content: "The school's request is marked as partner work",
            trigger: ".o_kanban_record:contains('Haie du collège du tour'):has(.badge.text-bg-info)",
        },
        {
            content: "The preventive park task is routine work",
            trigger: ".o_kanban_record:contains('Tonte du tour'):has(.badge.text-bg-secondary)",
        },
        {
            content: "The vehicle service is routine work too",
            trigger: ".o_kanban_record:contains('Vidange du tour'):has(.badge.text-bg-secondary)",
        },
        {
            content: "Open the pothole's work order",
            trigger: ".o_kanban_record:contains('Nid de poule du tour')",
            run: "click",
        },
        {
            content: "The work order shows the citizen request's reference",
            trigger: ".o_form_view .o_field_widget[name=citizen_reference]:contains('DEM-')",
        },
    ],
});

// An agent passes a request to another team with a reason, and finds the
// transfer in the request's history.
registry.category("web_tour.tours").add("citizen_request_transfer_tour", {
    steps: () => [
        {
            content: "The request shows its team",
            trigger: ".o_form_view .o_field_widget[name=team_id] input:value('Voirie du tour')",
        },
        {
            content: "Open the transfer dialog",
            trigger: ".o_form_view button[name=action_open_transfer_wizard]",
            run: "click",
        },
        {
            content: "Choose the new team",
            trigger: ".modal .o_field_widget[name=team_id] input",
            run: "edit État civil du tour",
        },
        {
            trigger: ".dropdown-item:contains('État civil du tour')",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Demande d'acte, pas de voirie",
        },
        {
            content: "Transfer",
            trigger: ".modal button[name=action_transfer]",
            run: "click",
        },
        {
            content: "The request is now in the civil registry team",
            trigger: ".o_form_view .o_field_widget[name=team_id] input:value('État civil du tour')",
        },
        {
            content: "The history keeps the reason",
            trigger: ".o_form_view .o_notebook .nav-link[name=transfers]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=transfer_ids] td:contains('Demande d\\'acte, pas de voirie')",
        },
    ],
});
