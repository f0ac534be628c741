{
    "name": "Customer Care - Chat Apps",
    "summary": "Zalo, LINE, Messenger and WeChat as care channels: customers' chat messages "
    "open or join incidents, care users answer from the chatter",
    "version": "19.0.1.0.0",
    "category": "Sales/Customer Care",
    "author": "customer_care contributors",
    "website": "https://github.com/customer-care/customer_care",
    "license": "LGPL-3",
    "depends": ["customer_care"],
    "external_dependencies": {"python": ["requests", "lxml"]},
    "data": [
        "security/customer_care_messaging_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/customer_care_messaging_account_views.xml",
        "views/customer_care_messaging_identity_views.xml",
        "views/customer_care_messaging_template_views.xml",
        "views/customer_care_messaging_event_views.xml",
        "views/customer_care_messaging_outbound_views.xml",
        "views/customer_care_incident_views.xml",
        "views/customer_care_plan_views.xml",
        "views/customer_care_outreach_rule_views.xml",
        "views/res_partner_views.xml",
        "wizard/customer_care_messaging_composer_views.xml",
        "wizard/customer_care_messaging_link_wizard_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "data/demo/customer_care_messaging_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_care_messaging/static/src/js/*.js",
        ],
        "web.assets_tests": [
            "customer_care_messaging/static/tests/tours/*.js",
        ],
    },
    # not auto-installed: an administrator installs it with a chat app account
}
