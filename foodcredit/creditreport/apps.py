from django.apps import AppConfig


class CreditReportConfig(AppConfig):
    name = "foodcredit.creditreport"
    label = "creditreport"
    verbose_name = "信用报告"
