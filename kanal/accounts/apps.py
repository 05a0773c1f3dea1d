from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kanal.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
