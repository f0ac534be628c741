{
    "name": "Customer Care - Live Chat",
    "summary": "The website's live chat as a care door: an /incident command and a chatbot "
    "step open an incident from the conversation",
    "version": "19.0.1.0.0",
    "category": "Sales/Customer Care",
    "author": "customer_care contributors",
    "website": "https://github.com/customer-care/customer_care",
    "license": "LGPL-3",
    "depends": ["customer_care", "im_livechat"],
    "data": [
        "views/customer_care_incident_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_care_livechat/static/src/js/*.js",
        ],
    },
    "auto_install": True,
}
