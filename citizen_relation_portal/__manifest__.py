{
    "name": "Citizen Relation: Portal, Web Form and Open APIs",
    "summary": "Citizens file and follow their requests online; Open311 "
    "GeoReport v2 and a JSON intake for connectors",
    "version": "18.0.1.1.0",
    "category": "Services/Citizen Relation",
    "license": "LGPL-3",
    "development_status": "Beta",
    "author": "Citizen Relation for Odoo contributors",
    "website": "https://github.com/citizen-relation/citizen-relation",
    "depends": ["citizen_relation_routing", "website", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/citizen_request_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/citizen_request_category_data.xml",
        "data/mail_template_data.xml",
        "views/citizen_request_portal_templates.xml",
        "views/portal_account_templates.xml",
        "views/citizen_request_form_templates.xml",
        "views/citizen_request_nearby_templates.xml",
        "views/citizen_api_client_views.xml",
        "views/citizen_request_views.xml",
        "views/citizen_request_category_views.xml",
        "views/citizen_relation_portal_menus.xml",
        "data/website_menu_data.xml",
    ],
    "demo": ["demo/citizen_relation_portal_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "citizen_relation_portal/static/src/scss/citizen_request_form.scss",
            "citizen_relation_portal/static/src/js/citizen_request_form.js",
            "citizen_relation_portal/static/src/js/citizen_request_nearby.js",
        ],
        "web.assets_tests": [
            "citizen_relation_portal/static/src/js/tours/*.js",
        ],
    },
}
