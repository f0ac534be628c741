"""Who may see and do what with the chat app models: one line per model and
operation, one column per role (``Y`` allowed, ``N`` refused).  The keys of
an account are readable by Settings administrators only, not even by care
managers; portal and public users reach nothing but the webhook routes."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MessagingCommon

ROLES = ("care_user", "care_manager", "system", "portal_user", "other_company")

MATRIX = """
model                                   operation      care  mgr  system  portal  other
customer.care.messaging.account         read           Y     Y    Y       N       N
customer.care.messaging.account         read_secret    N     N    Y       N       N
customer.care.messaging.account         create         N     N    Y       N       Y
customer.care.messaging.account         write          N     N    Y       N       N
customer.care.messaging.account         unlink         N     N    Y       N       N
customer.care.messaging.identity        read           Y     Y    Y       N       N
customer.care.messaging.identity        write          N     Y    Y       N       N
customer.care.messaging.identity        write_consent  N     N    N       N       N
customer.care.messaging.identity        unlink         N     Y    Y       N       N
customer.care.messaging.template        read           Y     Y    Y       N       N
customer.care.messaging.template        create         N     Y    Y       N       N
customer.care.messaging.template        write          N     Y    Y       N       N
customer.care.messaging.event           read           N     Y    Y       N       N
customer.care.messaging.event           write          N     N    N       N       N
customer.care.messaging.event           unlink         N     N    Y       N       N
customer.care.messaging.outbound        read           Y     Y    Y       N       N
customer.care.messaging.outbound        create         N     N    N       N       N
customer.care.messaging.composer        action_send    Y     Y    N       N       N
customer.care.messaging.link.wizard     action_link    Y     Y    N       N       N
customer.care.messaging.signature       read           N     N    Y       N       Y
customer.care.messaging.signature       create         N     N    N       N       N
"""

CASES = [
    (model, operation, role, flag == "Y")
    for model, operation, *flags in (line.split() for line in MATRIX.strip().splitlines()[1:])
    for role, flag in zip(ROLES, flags, strict=True)
]


@tagged("post_install", "-at_install")
class TestMessagingAccess(MessagingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other = cls.env["res.company"].create({"name": "Other Care Co"})
        cls.users = {
            "care_user": cls.care_user,
            "care_manager": cls.care_manager,
            "system": new_test_user(
                cls.env, login="msg_admin", groups="base.group_user,base.group_system"
            ),
            "portal_user": new_test_user(cls.env, login="msg_portal", groups="base.group_portal"),
            "other_company": new_test_user(
                cls.env,
                login="msg_other",
                groups="base.group_user,customer_care.group_care_manager,base.group_system",
                company_id=other.id,
                company_ids=[other.id],
            ),
        }
        cls.account = cls.accounts["zalo"]
        cls.identity = cls._identity_cls()
        cls.template = cls.env["customer.care.messaging.template"].create(
            {"name": "T", "account_id": cls.account.id, "body": "x"}
        )
        Event = cls.env["customer.care.messaging.event"]
        cls.event = Event.create(
            {
                "account_id": cls.account.id,
                "company_id": cls.company.id,
                "uid": "e1",
                "kind": "message",
            }
        )
        cls.outbound = cls.env["customer.care.messaging.outbound"].create(
            {"identity_id": cls.identity.id, "body": "x"}
        )
        cls.incident = cls.env["customer.care.incident"].create(
            {"name": "Chat", "partner_id": cls.customer.id, "channel": "social"}
        )
        Signature = cls.env["customer.care.messaging.signature"]
        Signature._accept_once(cls.account, "a-used-signature")
        cls.signature = Signature.search([("signature", "=", "a-used-signature")])

    @classmethod
    def _identity_cls(cls):
        return cls.env["customer.care.messaging.identity"].create(
            {"account_id": cls.accounts["zalo"].id, "user_ref": "u1", "partner_id": cls.customer.id}
        )

    def _perform(self, model, operation, user):
        env = self.env(user=user)
        record = {
            "customer.care.messaging.account": self.account,
            "customer.care.messaging.identity": self.identity,
            "customer.care.messaging.template": self.template,
            "customer.care.messaging.event": self.event,
            "customer.care.messaging.outbound": self.outbound,
            "customer.care.messaging.signature": self.signature,
        }.get(model)
        if operation == "read":
            record.with_env(env).read(["display_name"])
        elif operation == "read_secret":
            values = record.with_env(env).read(["secret", "access_token"])
            if "secret" not in values[0]:
                raise AccessError("secret hidden")
        elif operation == "unlink":
            record.with_env(env).unlink()
        elif operation == "write":
            vals = {
                "customer.care.messaging.account": {"name": "Renamed"},
                "customer.care.messaging.identity": {"partner_id": self.care_user.partner_id.id},
                "customer.care.messaging.template": {"name": "Renamed"},
                "customer.care.messaging.event": {"state": "done"},
            }[model]
            record.with_env(env).write(vals)
        elif operation == "write_consent":
            record.with_env(env).write({"opted_out": True})
        elif model == "customer.care.messaging.account":
            env[model].create({"name": "New", "provider": "line"})
        elif model == "customer.care.messaging.template":
            env[model].create({"name": "New", "account_id": self.account.id})
        elif model == "customer.care.messaging.outbound":
            env[model].create({"identity_id": self.identity.id, "body": "y"})
        elif model == "customer.care.messaging.signature":
            env[model].create(
                {"account_id": self.account.id, "signature": "s", "date_seen": "2026-01-01"}
            )
        elif model == "customer.care.messaging.composer":
            self.identity.sudo().date_last_inbound = fields.Datetime.now()
            env[model].create(
                {"res_model": self.incident._name, "res_id": self.incident.id, "body": "Hi"}
            ).action_send()
        elif model == "customer.care.messaging.link.wizard":
            unknown = self._partner(
                "Zalo user 123", care_messaging_unknown=True, company_id=self.company.id
            )
            env[model].create(
                {"source_partner_id": unknown.id, "partner_id": self.customer.id}
            ).action_link()
        else:
            raise AssertionError(f"no {operation} on {model}")
        self.env.flush_all()

    def _try(self, model, operation, user):
        savepoint = self.env.cr.savepoint()
        try:
            self._perform(model, operation, user)
            return True, None
        except (AccessError, UserError) as error:
            return False, error
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def test_access_matrix(self):
        for model, operation, role, allowed in CASES:
            with self.subTest(model=model, operation=operation, role=role):
                outcome, error = self._try(model, operation, self.users[role])
                self.assertEqual(
                    outcome,
                    allowed,
                    f"{role} {'should' if allowed else 'must not'} {operation} {model}: {error}",
                )

    def test_every_messaging_model_is_in_the_matrix(self):
        models = {
            name
            for name in self.env.registry
            if name.startswith("customer.care.messaging.") and not self.env[name]._abstract
        }
        self.assertEqual(models - {model for model, *_rest in CASES}, set())

    def test_secrets_are_not_in_the_care_manager_fields(self):
        fields = self.account.with_user(self.care_manager).fields_get()
        for name in (
            "secret",
            "verify_token",
            "app_secret",
            "access_token",
            "refresh_token",
            "webhook_key",
            "webhook_url",
            "api_base_url",
            "encoding_aes_key",
        ):
            self.assertNotIn(name, fields)
