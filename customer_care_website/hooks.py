def uninstall_hook(env):
    """Without the bridge nothing sets the customer of an incident posted by
    a website form: the website's forms stop offering care incidents (the
    form route refuses models without form access)."""
    model = env["ir.model"]._get("customer.care.incident")
    if "website_form_access" in model._fields:
        model.write({"website_form_access": False, "website_form_default_field_id": False})
