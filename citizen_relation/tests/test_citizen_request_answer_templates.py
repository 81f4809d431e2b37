from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestAnswerTemplates(CitizenRequestCommon):
    """An agent answers a request from an answer template in the reply
    composer; the requester receives the text written for their request."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = cls.env["ir.model"]._get_id("citizen.request")
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Nid de poule : réparation programmée",
                "model_id": model,
                "is_citizen_answer": True,
                "citizen_category_ids": [Command.link(cls.category_parent.id)],
                "subject": "{{ object.name }} : réparation programmée",
                "body_html": "<p>Bonjour, la réparation de <t t-out='object.name'/> "
                "(<t t-out='object.street'/>) est programmée jeudi.</p>",
            }
        )
        cls.template_noise = cls.env["mail.template"].create(
            {
                "name": "Bruit",
                "model_id": model,
                "is_citizen_answer": True,
                "citizen_category_ids": [Command.link(cls.category_noise.id)],
                "body_html": "<p>Bruit.</p>",
            }
        )

    def test_answer_domain(self):
        citizen_request = self._create_request(partner_id=self.partner_citizen.id)
        Template = self.env["mail.template"]
        found = Template.search(Template._citizen_answer_domain(citizen_request))
        # tied to the parent category of the request's: offered
        self.assertIn(self.template, found)
        self.assertNotIn(self.template_noise, found)
        # the templates Odoo sends by itself are not answers
        self.assertNotIn(
            self.env.ref("citizen_relation.mail_template_request_acknowledgement"),
            found,
        )

    def test_agent_answers_from_composer(self):
        citizen_request = self._create_request(
            partner_id=self.partner_citizen.id, street="8 rue des Tilleuls"
        )
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.user_agent)
            .with_context(
                default_model="citizen.request",
                default_res_ids=citizen_request.ids,
                default_composition_mode="comment",
                default_subtype_xmlid="mail.mt_comment",
                default_partner_ids=citizen_request.partner_id.ids,
            )
        )
        composer.template_id = self.template
        self.assertIn(
            f"la réparation de {citizen_request.name} (8 rue des Tilleuls)",
            str(composer.body),
        )
        with self.mock_mail_gateway():
            composer.save().action_send_mail()
        mails = self._new_mails.filtered(
            lambda m: self.partner_citizen in m.recipient_ids
        )
        self.assertEqual(len(mails), 1)
        self.assertIn(
            f"la réparation de {citizen_request.name} (8 rue des Tilleuls) "
            "est programmée jeudi",
            mails.body_html,
        )
        self.assertEqual(
            mails.subject, f"{citizen_request.name} : réparation programmée"
        )
