{
    "name": "Customer Care - Website",
    "summary": "A Report a problem page on the website: the visitor's form opens a "
    "care incident with its clocks",
    "version": "19.0.1.0.0",
    "category": "Sales/Customer Care",
    "author": "customer_care contributors",
    "website": "https://github.com/customer-care/customer_care",
    "license": "LGPL-3",
    "depends": ["customer_care", "website"],
    "data": [
        "data/customer_care_website_form_data.xml",
        "views/customer_care_incident_views.xml",
        "views/customer_care_report_templates.xml",
        "data/website_page_data.xml",
    ],
    "assets": {
        "website.website_builder_assets": [
            "customer_care_website/static/src/js/website_form_editor.js",
        ],
        "web.assets_tests": [
            "customer_care_website/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "auto_install": True,
}
