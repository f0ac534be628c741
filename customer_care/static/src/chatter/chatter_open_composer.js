import { Chatter } from "@mail/chatter/web_portal/chatter";
import { patch } from "@web/core/utils/patch";

/**
 * A record opened from the care inbox (its action's context says
 * `care_open_composer`) shows its chatter with the message composer open:
 * the care user came to answer the customer.
 */
patch(Chatter.prototype, {
    _onMounted() {
        super._onMounted(...arguments);
        if (this.props.record?.context?.care_open_composer && this.props.threadId) {
            this.toggleComposer("message", { force: true });
        }
    },
});
