from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import NOW, CitizenRoutingCommon


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestAnswerTemplates(CitizenRoutingCommon):
    """Answer templates tied to categories and stages, offered to the
    technician in the reply wizard of a work order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["mail.template"]
        model = cls.env["ir.model"]._get_id("citizen.request")
        cls.template_pothole = Template.create(
            {
                "name": "Réparation programmée",
                "model_id": model,
                "is_citizen_answer": True,
                "citizen_category_ids": [Command.link(cls.category_pothole.id)],
                "subject": "{{ object.name }} : réparation programmée",
                "body_html": "<p>La réparation de <t t-out='object.name'/> "
                "est programmée jeudi.</p>",
            }
        )
        cls.template_civil = Template.create(
            {
                "name": "Acte envoyé",
                "model_id": model,
                "is_citizen_answer": True,
                "citizen_category_ids": [Command.link(cls.category_civil.id)],
                "body_html": "<p>Votre acte est parti.</p>",
            }
        )
        cls.template_closed = Template.create(
            {
                "name": "Demande close",
                "model_id": model,
                "is_citizen_answer": True,
                "citizen_stage_ids": [
                    Command.link(cls.env.ref("citizen_relation.stage_closed").id)
                ],
                "body_html": "<p>Close.</p>",
            }
        )
        cls.template_other = Template.create(
            {
                "name": "Pas une réponse",
                "model_id": model,
                "body_html": "<p>Interne.</p>",
            }
        )

    def test_technician_answers_from_template(self):
        request = self._new_request()
        order = request.work_order_ids
        order.user_id = self.user_technician
        Wizard = self.env["maintenance.request.reply.wizard"].with_user(
            self.user_technician
        )
        form = Form(Wizard.with_context(default_work_order_id=order.id))
        # only the answers of the request's category and stage
        self.assertEqual(set(form.answer_template_ids.ids), {self.template_pothole.id})
        form.template_id = self.template_pothole
        self.assertIn(f"La réparation de {request.name}", str(form.body))
        wizard = form.save()
        with self.mock_mail_gateway():
            wizard.action_send()
        citizen_mails = self._new_mails.filtered(
            lambda m: self.citizen in m.recipient_ids
        )
        self.assertEqual(len(citizen_mails), 1)
        self.assertIn(
            f"La réparation de {request.name} est programmée jeudi",
            citizen_mails.body_html,
        )
