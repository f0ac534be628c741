import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

registry.category("discuss.channel_commands").add("incident", {
    condition: ({ store }) => store.has_access_livechat,
    channel_types: ["livechat"],
    help: _t("Open a care incident from this conversation (/incident subject)"),
    methodName: "execute_command_incident",
});
