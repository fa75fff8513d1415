"""What every page may say about the content: how many stages there are, in words."""

from trainer.catalog.stages import catalog

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def content(request) -> dict:
    count = len(catalog().stages)
    return {"stage_count": count, "stage_count_words": WORDS[count] if count < len(WORDS) else str(count)}
