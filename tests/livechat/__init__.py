"""The website's live chat as a care door (the customer_care_livechat bridge,
installed by itself with ``im_livechat``): the operator's ``/incident``
command and the chatbot's *Create Care Incident* step open an incident from
the conversation.

These tests run on a database where ``im_livechat`` is installed
(``scripts/test`` installs it after the main suite has run without it).  The
visitor's side goes through the live chat's own routes, with Odoo's chatbot
test script helpers (``im_livechat/tests/chatbot_common.py``).
"""
