"""Single messages written for Agora where templates do not fit: emergencies, offers, spam, abuse.

A data module. Each entry: (lang, text, labels).
"""

_NOT_CRISIS = {"crisis_relevance": "not_related", "crisis_info_type": "none"}
_CLEAN = {"toxicity": "not_toxic", "spam": "not_spam", "misinformation": "none"}


def _critical(topic: str, intent: str = "report") -> dict[str, str]:
    return {
        "topic": topic,
        "intent": intent,
        "urgency": "critical",
        "sentiment": "negative",
        **_CLEAN,
    }


def _offer(topic: str) -> dict[str, str]:
    return {"topic": topic, "intent": "offer", "urgency": "low", **_CLEAN}


def _other() -> dict[str, str]:
    return {"topic": "other", "intent": "other", "urgency": "low", **_CLEAN, **_NOT_CRISIS}


def _spam() -> dict[str, str]:
    return {"spam": "spam", "topic": "other", "intent": "other", "urgency": "low", **_NOT_CRISIS}


def _toxic() -> dict[str, str]:
    return {"toxicity": "toxic", "intent": "complaint", "sentiment": "negative", "spam": "not_spam"}


def _rumour() -> dict[str, str]:
    return {"misinformation": "possible_misinformation", "spam": "not_spam"}


EXTRAS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("fr", "Ça sent le gaz très fort dans la cage d'escalier, venez vite", _critical("energy")),
    ("fr", "Fuite de gaz au 3e étage, on évacue l'immeuble !", _critical("energy")),
    (
        "fr",
        "Incendie dans un appartement rue des Lilas, il y a de la fumée partout",
        _critical("emergency_rescue"),
    ),
    (
        "fr",
        "Au feu ! Le local poubelle brûle et les flammes montent",
        _critical("emergency_rescue"),
    ),
    (
        "fr",
        "L'eau monte dans les maisons, le quartier est inondé, aidez-nous",
        _critical("emergency_rescue", "request"),
    ),
    (
        "fr",
        "Le pont s'est effondré, des voitures sont tombées dans la rivière",
        _critical("emergency_rescue"),
    ),
    ("fr", "Un balcon s'est effondré sur le trottoir, il y a des blessés", _critical("buildings")),
    (
        "fr",
        "Un homme frappe sa femme dans l'appartement d'à côté, elle crie",
        _critical("public_safety"),
    ),
    (
        "fr",
        "Quelqu'un menace les passants avec un couteau devant la gare",
        _critical("public_safety"),
    ),
    ("fr", "Je n'en peux plus, je veux en finir ce soir", _critical("health")),
    (
        "fr",
        "Mon frère parle de se suicider, je ne sais pas quoi faire",
        _critical("health", "request"),
    ),
    ("fr", "Un enfant est tombé dans le canal, vite !", _critical("emergency_rescue")),
    (
        "fr",
        "Une personne âgée fait un malaise dans le bus, elle ne respire plus",
        _critical("health"),
    ),
    (
        "fr",
        "Des câbles électriques sont tombés sur la route et font des étincelles",
        _critical("energy"),
    ),
    ("en", "There is a strong smell of gas in the stairwell, come quickly", _critical("energy")),
    ("en", "Gas leak on the third floor, we are evacuating the building!", _critical("energy")),
    ("en", "Fire in a flat on Lilac Street, smoke everywhere", _critical("emergency_rescue")),
    ("en", "The bin store is on fire and the flames are spreading", _critical("emergency_rescue")),
    (
        "en",
        "Water is coming into the houses, the whole area is flooded, help us",
        _critical("emergency_rescue", "request"),
    ),
    ("en", "The bridge collapsed and cars fell into the river", _critical("emergency_rescue")),
    ("en", "A balcony collapsed onto the pavement, people are hurt", _critical("buildings")),
    ("en", "A man is beating his wife next door, she is screaming", _critical("public_safety")),
    (
        "en",
        "Someone is threatening people with a knife outside the station",
        _critical("public_safety"),
    ),
    ("en", "I can't take it anymore, I want to end my life tonight", _critical("health")),
    (
        "en",
        "My brother keeps talking about killing himself, what do I do",
        _critical("health", "request"),
    ),
    ("en", "A child fell into the canal, hurry!", _critical("emergency_rescue")),
    ("en", "An old lady collapsed on the bus and is not breathing", _critical("health")),
    ("en", "Power lines are down on the road and sparking", _critical("energy")),
    (
        "fr",
        "J'ai un camion et je peux transporter des colis pour les sinistrés",
        _offer("food_aid"),
    ),
    (
        "fr",
        "Je peux héberger une famille sinistrée chez moi pour quelques nuits",
        _offer("housing_shelter"),
    ),
    (
        "fr",
        "Notre association propose des bénévoles pour nettoyer après l'inondation",
        _offer("environment"),
    ),
    ("fr", "Je suis infirmière retraitée, je peux aider au centre d'accueil", _offer("health")),
    (
        "fr",
        "Nous avons des couvertures et des vêtements à donner, où les déposer ?",
        _offer("social_services"),
    ),
    ("fr", "Je me propose pour aider à distribuer les repas samedi", _offer("food_aid")),
    ("en", "I have a van and can deliver supplies to the flooded area", _offer("food_aid")),
    (
        "en",
        "I can put up a family for a few nights if anyone needs a bed",
        _offer("housing_shelter"),
    ),
    ("en", "Our club can send volunteers to help with the clean-up", _offer("environment")),
    ("en", "Retired nurse here, happy to help at the reception centre", _offer("health")),
    (
        "en",
        "We have blankets and clothes to donate, where can we drop them?",
        _offer("social_services"),
    ),
    ("en", "I'd like to volunteer to hand out meals on Saturday", _offer("food_aid")),
    ("fr", "Bonne année à toute l'équipe !", _other()),
    ("fr", "Qui a vu le match hier soir ?", _other()),
    ("fr", "mdr", _other()),
    ("fr", "Coucou tout le monde", _other()),
    ("fr", "Il fait beau aujourd'hui", _other()),
    ("fr", "Test test", _other()),
    ("en", "Happy new year to the whole team!", _other()),
    ("en", "Anyone watch the game last night?", _other()),
    ("en", "lol", _other()),
    ("en", "Hi everyone", _other()),
    ("en", "Nice weather today", _other()),
    ("en", "testing 1 2 3", _other()),
    ("fr", "Félicitations ! Vous avez gagné un iPhone 15, cliquez ici pour le réclamer", _spam()),
    ("fr", "Gagnez 500 € par jour depuis chez vous, inscription gratuite sur ce lien", _spam()),
    ("fr", "Investissez dans le Bitcoin et doublez votre argent en une semaine !!!", _spam()),
    ("fr", "Votre colis est bloqué, payez 1,99 € de frais de livraison ici", _spam()),
    ("fr", "Promo exceptionnelle : -70 % sur toutes les montres, livraison offerte", _spam()),
    ("fr", "Rencontres célibataires près de chez vous, inscrivez-vous maintenant", _spam()),
    ("fr", "Votre compte Ameli doit être mis à jour, connectez-vous via ce lien", _spam()),
    ("fr", "Suivez-moi pour des conseils crypto gratuits, DM pour plus d'infos", _spam()),
    ("fr", "Crédit rapide sans justificatif, réponse en 24 h, appelez le 08 99 00 00 00", _spam()),
    ("fr", "Achetez des followers pas chers, 1000 abonnés pour 5 €", _spam()),
    ("en", "Congratulations! You won an iPhone 15, click here to claim it", _spam()),
    ("en", "Earn $500 a day from home, free sign up at this link", _spam()),
    ("en", "Your parcel is on hold, pay the 1.99 delivery fee here", _spam()),
    ("en", "Buy cheap followers, 1000 followers for $5", _spam()),
    ("en", "Follow me for free crypto signals, DM for details", _spam()),
    ("fr", "Bande d'incapables, vous ne servez à rien", _toxic()),
    ("fr", "Le maire est un gros nul et un voleur", _toxic()),
    ("fr", "Vous êtes tous des fainéants payés avec nos impôts, allez vous faire voir", _toxic()),
    ("fr", "Ferme ta gueule, connard", _toxic()),
    ("fr", "Je vais venir vous casser la gueule si ça n'est pas réparé", _toxic()),
    ("fr", "Espèce d'abrutis, dégagez tous", _toxic()),
    ("en", "You useless idiots, you are good for nothing", _toxic()),
    ("en", "The mayor is a clown and a thief", _toxic()),
    ("en", "Shut up, you moron", _toxic()),
    ("en", "I'll come and smash your faces if this isn't fixed", _toxic()),
    (
        "fr",
        "ALERTE : la mairie empoisonne l'eau du robinet avec du chlore, partagez avant censure !",
        _rumour(),
    ),
    (
        "fr",
        "Les antennes 5G installées en ville propagent le virus, ils vous le cachent",
        _rumour(),
    ),
    ("fr", "Le vaccin contient une puce pour nous suivre, c'est prouvé", _rumour()),
    ("fr", "Boire de l'eau chaude avec du citron guérit le covid en deux jours", _rumour()),
    (
        "fr",
        "La ville va raser tout le quartier la semaine prochaine, c'est officiel sur WhatsApp",
        _rumour(),
    ),
    ("fr", "Le barrage va céder cette nuit, le gouvernement le cache !", _rumour()),
    (
        "en",
        "ALERT: the council is poisoning the tap water, share before it gets deleted!",
        _rumour(),
    ),
    ("en", "The 5G masts in town spread the virus, they are hiding it from you", _rumour()),
    ("en", "The dam will burst tonight and the government is covering it up!", _rumour()),
)
