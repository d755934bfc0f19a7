"""The default eight-area star: the four WebStar areas plus four for children in care, worded for children."""

from django.db import migrations

NAME = "Hearth star"
AREAS = (
    ("Feeling happy and well", "How are you feeling inside, most days?", "Mental health and wellbeing."),
    ("Feeling safe", "How safe do you feel at home, at school and when you are out?", "Feeling safe."),
    ("Things I do outside home", "How do you feel about the clubs, hobbies and places you go?", "Community engagement."),
    ("Money", "How do you feel about looking after your money?", "Money management."),
    ("Family and friends", "How do you feel about seeing and talking to the people who matter to you?", "Family and friends."),
    ("Learning", "How are school, college or learning going for you?", "Education, training and learning."),
    ("Health", "How do you feel about your body: sleeping, eating and keeping active?", "Physical health."),
    ("Home", "How do you feel about where you live?", "The child's home, wherever they live."),
)


def add_default(apps, schema_editor):
    StarTemplate = apps.get_model("outcomes", "StarTemplate")
    TemplateArea = apps.get_model("outcomes", "TemplateArea")
    template, _ = StarTemplate.objects.get_or_create(
        name=NAME,
        defaults={
            "description": "Eight areas of life, for children and young people from 5 to 25.",
            "scale_min": 1,
            "scale_max": 10,
            "scale_words": {"1": "Really hard", "5": "OK", "10": "Really good"},
            "min_age": 5,
            "max_age": 25,
        },
    )
    for order, (name, question, description) in enumerate(AREAS, start=1):
        TemplateArea.objects.get_or_create(
            template=template, name=name, defaults={"question": question, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(add_default, migrations.RunPython.noop)]
