"""Create a year of demonstration PPID data (idempotent): ``ppid_demo_data --year 2025``."""

from django.core.management.base import BaseCommand

from kanal.ppid.demo import create_demo_data


class Command(BaseCommand):
    help = "Create a year of demonstration PPID requests, notices, objections and disputes."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--count", type=int, default=40)

    def handle(self, *args, year, count, **options):
        created = create_demo_data(year, count)
        self.stdout.write(f"{created} demo requests created for {year}.")
