import { Failure } from "@mail/core/common/failure_model";
import { Notification } from "@mail/core/common/notification_model";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/* A chat app answer shows its delivery on the message, as an SMS does. */
patch(Notification.prototype, {
    get failureMessage() {
        switch (this.failure_type) {
            case "care_chat_window":
                return _t("Reply window closed: send an approved template");
            case "care_chat_rate_limit":
                return _t("Rate limited by the chat app: try again later");
            case "care_chat_opted_out":
                return _t("The customer unfollowed or blocked the account");
            case "care_chat_error":
                return _t("The chat app refused the message");
            default:
                return super.failureMessage;
        }
    },
    get icon() {
        if (this.notification_type === "care_chat") {
            return this.isFailure ? "fa fa-comments text-danger" : "fa fa-comments-o";
        }
        return super.icon;
    },
    get label() {
        if (this.notification_type === "care_chat") {
            return _t("Chat");
        }
        return super.label;
    },
});

patch(Failure.prototype, {
    get body() {
        if (this.type === "care_chat") {
            return _t("A chat app message could not be delivered");
        }
        return super.body;
    },
});
