import { registry } from "@web/core/registry";

// The thank-you page's promise: the customer's own answer time when signed
// in, a general one for a visitor (the time would tell whose address it is).
function describeAndSend(subject, description, promise) {
    return [
        {
            content: "Give the subject",
            trigger: "#care_report_form input[name=name]",
            run: `edit ${subject}`,
        },
        {
            content: "Tell what happened",
            trigger: "#care_report_form textarea[name=description]",
            run: `edit ${description}`,
        },
        {
            content: "Send the report",
            trigger: "#care_report_form .s_website_form_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The thank-you page gives the reference and the promise",
            trigger: `.o_care_report_thanks:has(.o_care_report_reference):has(.${promise})`,
        },
    ];
}

// A visitor who is not signed in reports a problem from the website's menu.
registry.category("web_tour.tours").add("customer_care_website_report_tour", {
    url: "/",
    steps: () => [
        {
            content: "Open the page from the website's menu",
            trigger: "header a[href='/report-a-problem']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Give a name",
            trigger: "#care_report_form input[name=contact_name]",
            run: "edit Tour Visitor",
        },
        {
            content: "Give an email address",
            trigger: "#care_report_form input[name=contact_email]",
            run: "edit tour.visitor@example.com",
        },
        {
            content: "Give a phone number",
            trigger: "#care_report_form input[name=contact_phone]",
            run: "edit +84 28 3822 1234",
        },
        ...describeAndSend(
            "Tour kettle",
            "The kettle arrived broken: the lid leaks.",
            "o_care_report_general_promise"
        ),
    ],
});

// A signed-in customer finds their name and address filled in.
registry.category("web_tour.tours").add("customer_care_website_report_portal_tour", {
    url: "/report-a-problem",
    steps: () => [
        {
            content: "The name is the customer's",
            trigger: "#care_report_form input[name=contact_name]:value(Tour Portal Customer)",
        },
        {
            content: "The email address is the customer's",
            trigger: "#care_report_form input[name=contact_email]:value(tour.portal@example.com)",
        },
        ...describeAndSend(
            "Tour invoice",
            "Where is the invoice of my last order?",
            "o_care_report_promise"
        ),
        {
            content: "The customer can follow the request in the portal",
            trigger: "a.o_care_report_follow",
        },
    ],
});
