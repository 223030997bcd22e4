"""Default French and English lexicons of the rule-based dimensions (written for Agora)."""

TOPIC = {
    "roads": [
        "nid de poule",
        "nids de poule",
        "nid-de-poule",
        "chaussee",
        "trottoir",
        "pothole",
        "potholes",
        "road",
        "pavement",
        "sidewalk",
        "voirie",
    ],
    "traffic_parking": [
        "stationnement",
        "parking",
        "se garer",
        "feu rouge",
        "embouteillage",
        "traffic",
        "traffic light",
        "parked",
    ],
    "public_transport": ["tram", "bus", "metro", "ligne", "arret", "tcl", "train", "stop"],
    "waste": [
        "poubelle",
        "poubelles",
        "dechets",
        "ordures",
        "encombrants",
        "ramassage",
        "collecte",
        "bin",
        "bins",
        "garbage",
        "rubbish",
        "trash",
        "waste",
        "litter",
    ],
    "water": ["fuite d'eau", "eau", "canalisation", "water", "leak", "tap water"],
    "sewage_sanitation": ["egout", "egouts", "assainissement", "sewer", "sewage", "drain"],
    "street_lighting": [
        "lampadaire",
        "lampadaires",
        "eclairage",
        "streetlight",
        "street light",
        "street lamp",
        "lamp post",
    ],
    "noise": ["bruit", "tapage", "nuisances sonores", "noise", "noisy", "loud music"],
    "parks": ["parc", "jardin", "square", "aire de jeux", "park", "playground", "garden"],
    "housing_shelter": ["logement", "hebergement", "sans abri", "housing", "shelter", "homeless"],
    "permits_documents": [
        "passeport",
        "carte d'identite",
        "rendez-vous",
        "etat civil",
        "permis",
        "passport",
        "id card",
        "appointment",
        "permit",
    ],
    "taxes_payments": [
        "impot",
        "impots",
        "taxe",
        "facture",
        "paiement",
        "tax",
        "bill",
        "payment",
        "invoice",
    ],
    "social_services": ["ccas", "aide sociale", "allocation", "social services", "benefits"],
    "energy": ["gaz", "gas", "electricite", "coupure de courant", "power cut", "electricity"],
    "emergency_rescue": ["pompiers", "secours", "firefighters", "rescue", "ambulance"],
}

INTENT = {
    "question": [
        "?",
        "comment",
        "pourquoi",
        "quand",
        "est-ce que",
        "how",
        "why",
        "when",
        "where",
        "can i",
        "is it",
    ],
    "complaint": [
        "toujours pas",
        "inadmissible",
        "scandale",
        "honte",
        "ras le bol",
        "marre",
        "still not",
        "unacceptable",
        "disgrace",
        "fed up",
        "ridiculous",
    ],
    "report": [
        "signaler",
        "signale",
        "il y a",
        "report",
        "there is",
        "broken",
        "casse",
        "en panne",
        "not working",
    ],
    "request": ["pourriez-vous", "merci de", "svp", "s'il vous plait", "please", "could you"],
    "suggestion": [
        "suggestion",
        "proposer",
        "propose",
        "pourquoi pas",
        "suggest",
        "would be nice",
        "idee",
        "idea",
    ],
    "praise": [
        "merci",
        "bravo",
        "felicitations",
        "super",
        "thank you",
        "thanks",
        "great job",
        "well done",
    ],
}

SENTIMENT = {
    "negative": [
        "inadmissible",
        "scandale",
        "honte",
        "nul",
        "colere",
        "marre",
        "dangereux",
        "terrible",
        "awful",
        "angry",
        "disgrace",
        "unacceptable",
        "dangerous",
        "worst",
    ],
    "positive": [
        "merci",
        "bravo",
        "super",
        "genial",
        "parfait",
        "thanks",
        "thank you",
        "great",
        "excellent",
        "perfect",
        "love",
    ],
}

# Phrase syntax of EMERGENCY and TOXIC: "|" separates phrases; matching ignores case and accents
# and needs whole words; "'" matches an elision with or without its apostrophe ("l'eau", "l’eau",
# "l eau"), a space any run of spaces or hyphens, "(e)", "(s)", "(x)" an optional ending.


def _phrases(spec: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in spec.split("|") if p.strip())


# Rules first where lives are at stake: any of these makes the message critical. Order is priority:
# the first matching rule names the verdict.
EMERGENCY: dict[str, tuple[str, ...]] = {
    "self_harm": _phrases(
        "suicide(s) | suicidaire(s) | me suicider | se suicider | en finir | je veux mourir"
        "| veux mourir | envie de mourir | me tuer | plus envie de vivre | me faire du mal"
        "| me foutre en l'air | kill myself | killing myself | end my life | end it all"
        "| want to die | wanna die | suicidal | self-harm | hurt myself | take my own life"
    ),
    "violence": _phrases(
        "agression(s) | agressé(e)(s) | se fait agresser | se faire agresser | violence(s)"
        "| couteau(x) | arme(s) | arme(s) à feu | coups de feu | coup de feu | fusillade(s)"
        "| poignardé(e)(s) | tabassé(e)(s) | assault | assaulted | attacked | being attacked"
        "| stabbed | stabbing | knife | gun(s) | gunshot(s) | shooting(s) | shots fired"
        "| beaten up | mugged"
    ),
    "threat": _phrases(
        "je vais le tuer | je vais la tuer | je vais les tuer | je vais te tuer"
        "| je vais vous tuer | menace(s) de mort | menacé(e)(s) de mort | bombe(s)"
        "| alerte à la bombe | i will kill | i'll kill | i am going to kill | i'm going to kill"
        "| gonna kill | death threat(s) | bomb(s) | bomb threat(s)"
    ),
    "medical": _phrases(
        "malaise(s) | inconscient(e)(s) | ne respire plus | respire plus | ne respire pas"
        "| crise cardiaque | arrêt cardiaque | overdose(s) | avc | convulsion(s)"
        "| grièvement blessé(e)(s) | blessé(e)(s) grave(s) | unconscious | not breathing"
        "| isn't breathing | stopped breathing | can't breathe | heart attack | cardiac arrest"
        "| seizure | seriously injured | bleeding heavily"
    ),
    "child_danger": _phrases(
        "enfant(s) en danger | enfant(s) maltraité(s) | enfant(s) battu(s) | bébé seul"
        "| enfant(s) seul(s) dans | child in danger | children in danger | child is in danger"
        "| kid in danger | child abuse | abused child | child alone | baby alone"
    ),
    "fire": _phrases(
        "incendie(s) | au feu | en feu | prend feu | pris feu | ça brûle | fumée(s) épaisse(s)"
        "| épaisse fumée | flammes | explosion(s) | fire(s) | on fire | caught fire"
        "| smoke pouring | thick smoke | flames | blaze"
    ),
    "gas_leak": _phrases(
        "fuite(s) de gaz | odeur(s) de gaz | sent le gaz | sentait le gaz | gas leak(s)"
        "| leaking gas | smell gas | smell of gas | smelled gas | smelling gas | gas smell"
    ),
    "collapse": _phrases(
        "effondrement(s) | s'est effondré(e) | se sont effondré(e)s | effondré(e)(s)"
        "| va s'effondrer | menace de s'effondrer | s'est écroulé(e) | s'écroule"
        "| collapse(s) | collapsed | collapsing | about to fall | about to collapse | caved in"
    ),
    "electrical": _phrases(
        "câble(s) électrique(s) arraché(s) | câble(s) électrique(s) à terre | câble(s) arraché(s)"
        "| fil(s) électrique(s) à terre | fil(s) dénudé(s) | ligne(s) électrique(s) à terre"
        "| électrocuté(e)(s) | live wire(s) | downed power line(s) | power line(s) down"
        "| exposed wire(s) | electrocuted"
    ),
    "flooding": _phrases(
        "inondation(s) | inondé(e)(s) | l'eau monte | l'eau qui monte | flooding | flooded"
        "| flash flood(s) | floodwater(s) | water rising | water is rising | rising water"
    ),
}

# False friends: a rule's match inside one of these phrases does not count.
EMERGENCY_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "self_harm": _phrases("en finir avec | me tuer à la tâche | me tuer de rire"),
    "violence": _phrases(
        "shooting star(s) | photo shooting | shooting photo | film shooting | gun control"
        "| glue gun | nail gun | knife and fork"
    ),
    "threat": _phrases(
        "bombe(s) de peinture | bombe(s) aérosol | bombe(s) à eau | de la bombe"
        "| bath bomb(s) | photo bomb(s)"
    ),
    "medical": _phrases("malaise social | malaise politique | un certain malaise"),
    "fire": _phrases(
        "feu(x) rouge(s) | feu(x) vert(s) | feu(x) orange | feu(x) tricolore(s)"
        "| feu(x) d'artifice | feu(x) de signalisation | feu(x) de circulation"
        "| exercice(s) incendie | alarme(s) incendie | borne(s) incendie"
        "| fire the | fire him | fire her | fire them | fire you | fire all | fire everyone"
        "| fire whoever | fire someone | fire somebody | fire this | fire that | fire your"
        "| fire our | fire his | fire station(s) | fire department(s) | fire brigade(s)"
        "| fire service(s) | fire hydrant(s) | fire drill(s) | fire exit(s) | fire door(s)"
        "| fire alarm(s) | fire safety | fire truck(s) | fire engine(s) | fire fighter(s)"
        "| fire escape(s) | fire hazard(s) | fire pit(s)"
    ),
    "flooding": _phrases(
        "inondé(e)(s) de pub | inondé(e)(s) de publicité(s) | inondé(e)(s) de spam(s)"
        "| inondé(e)(s) de messages | flooded with calls | flooded with complaints"
        "| flooded with emails | flooded with messages | flooded with requests"
    ),
}

# Hazards a citizen often reports as absent ("pas de fuite de gaz", "no fire"): a negation just
# before the phrase cancels it. Threats to people are never cancelled this way.
NEGATABLE_EMERGENCIES = frozenset({"fire", "gas_leak", "collapse", "electrical", "flooding"})

_HATE_TARGETS_FR = (
    "arabe(s) | juif(s) | juive(s) | musulman(e)(s) | immigré(e)(s) | étranger(s)"
    "| étrangère(s) | gitan(e)(s) | rom(s) | nègre(s) | pédé(s) | gouine(s)"
)
_HATE_TARGETS_EN = "arab(s) | jew(s) | muslim(s) | immigrant(s) | foreigner(s) | gypsies | gypsy"

TOXIC: dict[str, tuple[str, ...]] = {
    "insult": _phrases(
        "connard(s) | connasse(s) | abruti(e)(s) | crétin(e)(s) | imbécile(s) | idiot(e)(s)"
        "| débile(s) | enfoiré(e)(s) | salaud(s) | salope(s) | enculé(e)(s) | bâtard(e)(s)"
        "| bouffon(s) | tocard(s) | fils de pute | ta gueule | ferme ta gueule"
        "| fermez vos gueules | pauvre con(ne)(s) | espèce de con(ne) | bande de con(s)"
        "| bande d'incapables | bande de nuls | moron(s) | imbecile(s) | cretin(s)"
        "| dumbass | asshole(s) | bastard(s) | bitch | scumbag(s) | jerk(s) | shut up"
        "| fuck you | piece of shit | you stupid | you're stupid | you are stupid"
    ),
    "threat": _phrases(
        "je vais te tuer | je vais vous tuer | je vais te buter | je vais vous buter"
        "| on va vous faire la peau | je vais vous casser la gueule | je vais te casser la gueule"
        "| je sais où tu habites | je sais où vous habitez | vous allez le payer"
        "| je vais brûler la mairie | i will kill you | i'll kill you | i'm going to kill you"
        "| gonna kill you | i know where you live | you will pay for this | watch your back"
        "| i'll hurt you | beat you up | burn down the town hall"
    ),
    "hate": (
        *(f"sale {t}" for t in _phrases(_HATE_TARGETS_FR)),
        *(f"sales {t}" for t in _phrases(_HATE_TARGETS_FR)),
        *(f"dirty {t}" for t in _phrases(_HATE_TARGETS_EN)),
        *(f"filthy {t}" for t in _phrases(_HATE_TARGETS_EN)),
        *_phrases(
            "retourne dans ton pays | retournez dans votre pays | sous-race(s) | race inférieure"
            "| bougnoule(s) | youpin(s) | bicot(s) | go back to your country"
            "| go back where you came from | subhuman(s) | inferior race | faggot(s) | kike(s)"
            "| wetback(s) | raghead(s)"
        ),
    ),
}

SPAM = {
    "spam": [
        "gagnez",
        "gratuit",
        "cliquez ici",
        "bitcoin",
        "crypto",
        "promo",
        "casino",
        "win",
        "free money",
        "click here",
        "viagra",
        "earn $",
        "loan offer",
    ],
}
