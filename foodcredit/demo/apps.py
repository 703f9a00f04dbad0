from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "foodcredit.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        # The simulated district knows the truth behind its records: risk_backtest compares the model with it.
        from foodcredit.risk import backtest

        from .risk_oracle import oracle_for_backtest

        backtest.oracle_register(oracle_for_backtest)
