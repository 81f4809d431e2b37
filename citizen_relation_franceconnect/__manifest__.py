{
    "name": "Citizen Relation: FranceConnect",
    "summary": "Citizens sign in with FranceConnect and file their requests "
    "under their verified identity",
    "version": "18.0.1.0.0",
    "category": "Services/Citizen Relation",
    "license": "LGPL-3",
    "development_status": "Beta",
    "author": "Citizen Relation for Odoo contributors",
    "website": "https://github.com/citizen-relation/citizen-relation",
    "depends": ["citizen_relation_portal", "auth_signup", "portal"],
    "external_dependencies": {"python": ["PyJWT"]},
    "data": [
        "views/franceconnect_templates.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/citizen_request_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "citizen_relation_franceconnect/static/src/scss/franceconnect.scss",
        ],
    },
}
