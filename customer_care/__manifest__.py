{
    "name": "Customer Care",
    "summary": "Care groups, the four-step care contact, complaint SLAs, "
    "scheduled loyalty outreach and retention figures",
    "version": "19.0.1.0.0",
    "category": "Sales/Customer Care",
    "author": "customer_care contributors",
    "website": "https://github.com/customer-care/customer_care",
    "license": "LGPL-3",
    "depends": [
        "mail",
        "contacts",
        "crm",
        "sale_management",
        "sms",
        "survey",
    ],
    "data": [
        "security/customer_care_security.xml",
        "security/ir.model.access.csv",
        "data/customer_care_group_data.xml",
        "data/customer_care_hobby_data.xml",
        "data/ir_cron_data.xml",
        "data/customer_care_outreach_templates.xml",
        "data/customer_care_outreach_rule_data.xml",
        "wizard/customer_care_drop_wizard_views.xml",
        "views/customer_care_group_views.xml",
        "views/res_partner_views.xml",
        "views/customer_care_outreach_rule_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "data/demo/customer_care_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_care/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
