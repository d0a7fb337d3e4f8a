"""The search backend is handed words: what a person typed, less the query languages' syntax."""

from django.test import SimpleTestCase
from wagtail.search.query import And, Not, Phrase, PlainText

from thesaban.core.search_backend import plain_words, words_only


class PlainWordsTests(SimpleTestCase):
    def test_syntax_separates_words(self):
        self.assertEqual(plain_words('"><ScRiPt>alert(1)</sCrIpT>'), "ScRiPt alert 1 sCrIpT")
        self.assertEqual(plain_words("default¿'\"("), "default")
        self.assertEqual(plain_words("NEAR(a b, 2) -c* title:d"), "NEAR a b 2 c title d")

    def test_thai_vowels_and_tone_marks_stay_in_their_word(self):
        self.assertEqual(plain_words('"กิจกรรมปลูกต้นไม้"'), "กิจกรรมปลูกต้นไม้")

    def test_joiners_stay_between_two_word_characters_only(self):
        self.assertEqual(
            plain_words("saraban@suk-jai.go.th 1/2569 3.5 -a_b."),
            "saraban@suk-jai.go.th 1/2569 3.5 a_b",
        )

    def test_a_query_of_no_words_is_empty(self):
        for text in ('"', '""', "-", "*", "()", " ' ", "¿"):
            with self.subTest(text=text):
                self.assertEqual(plain_words(text), "")


class WordsOnlyTests(SimpleTestCase):
    def test_query_objects_keep_their_shape_without_the_empty_parts(self):
        query = words_only(And([PlainText("ข่าว*"), Phrase('"'), Not(Phrase("ประกาศ)"))]))
        self.assertIsInstance(query, And)
        self.assertEqual([type(part) for part in query.subqueries], [PlainText, Not])
        self.assertEqual(query.subqueries[0].query_string, "ข่าว")
        self.assertEqual(query.subqueries[1].subquery.query_string, "ประกาศ")

    def test_nothing_left_is_none(self):
        self.assertIsNone(words_only('"-"'))
        self.assertIsNone(words_only(And([Phrase('"'), PlainText("*")])))
