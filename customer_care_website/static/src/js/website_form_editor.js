import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

// The "Report a Problem" action of the website's form builder: a form added
// to any page can open a care incident, with these fields to start from.
registry.category("website.form_editor_actions").add("create_care_incident", {
    formFields: [
        {
            type: "char",
            required: true,
            fillWith: "name",
            name: "contact_name",
            string: _t("Your Name"),
        },
        {
            type: "email",
            required: true,
            fillWith: "email",
            name: "contact_email",
            string: _t("Your Email"),
        },
        {
            type: "tel",
            fillWith: "phone",
            name: "contact_phone",
            string: _t("Phone Number"),
        },
        {
            type: "char",
            name: "name",
            string: _t("Subject"),
        },
        {
            type: "text",
            required: true,
            name: "description",
            string: _t("What Happened?"),
        },
    ],
    successPage: "/report-a-problem/thank-you",
});
