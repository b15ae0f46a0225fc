"""A small synthetic Russian corpus for the other-language narrative models (one shared helper):
thirty articles on three topics, the first topic carrying one URW subnarrative."""

from __future__ import annotations

from typing import Any

TOPICS = ["оружие поставки Запад", "климат погода наука", "выборы партия бюджет"]


def topic_articles(taxonomy: Any, second_paragraph: bool = False) -> tuple[list[Any], str]:
    """(articles, the subnarrative of the weapons topic); `second_paragraph` adds a short
    paragraph repeating the topic's words to each article."""
    from narrascope.training.features import Article

    sub = next(
        s for s in taxonomy.subnarratives if taxonomy.domain(s) == "URW" and "Other" not in s
    )
    articles = []
    for i in range(30):
        kind = i % 3
        text = f"Заголовок {i}\n\n" + " ".join([TOPICS[kind]] * 5) + f" абзац {i}."
        if second_paragraph:
            text += f"\n\nЕще {TOPICS[kind]}."
        positive = kind == 0
        narratives = [taxonomy.parent(sub)] if positive else []
        articles.append(Article(f"RU-{i}.txt", "RU", text, narratives, [sub] * positive))
    return articles, sub
