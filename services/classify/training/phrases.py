"""Phrase bank of the examples written for Agora (French and English civic messages).

A data module: long by nature. Per topic, ``problems`` are things a citizen reports and
``services`` are things a citizen asks about, suggests or thanks the agency for.
Problems starting with ``!`` make a message urgent (``high``).
"""

TOPIC_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "roads": {
        "fr_problems": (
            "un énorme nid-de-poule sur la chaussée",
            "la route est complètement défoncée",
            "le trottoir est cassé et les dalles se soulèvent",
            "!un trou béant au milieu de la route, une voiture a déjà crevé",
        ),
        "en_problems": (
            "a huge pothole in the road",
            "the road surface is completely broken up",
            "the sidewalk is cracked and the paving stones are loose",
            "!a deep hole in the middle of the road, a car already burst a tyre",
        ),
        "fr_services": ("la réfection de la chaussée", "les travaux de voirie"),
        "en_services": ("the road resurfacing", "the roadworks on the high street"),
    },
    "traffic_parking": {
        "fr_problems": (
            "des voitures garées sur le passage piéton tous les jours",
            "le feu tricolore du carrefour reste bloqué au rouge",
            "des embouteillages monstres à cause du stationnement en double file",
        ),
        "en_problems": (
            "cars parked on the pedestrian crossing every day",
            "the traffic light at the junction is stuck on red",
            "massive traffic jams because of double parking",
        ),
        "fr_services": ("les places de stationnement résidentiel", "le plan de circulation"),
        "en_services": ("residents' parking permits", "the new one-way traffic plan"),
    },
    "public_transport": {
        "fr_problems": (
            "le bus 12 n'est pas passé depuis une heure",
            "le tram T2 est encore en panne ce matin",
            "l'abribus de l'arrêt Mairie est cassé",
        ),
        "en_problems": (
            "the number 12 bus has not come for an hour",
            "the tram is broken down again this morning",
            "the bus shelter at the town hall stop is smashed",
        ),
        "fr_services": ("les horaires du bus de nuit", "la nouvelle ligne de tram"),
        "en_services": ("the night bus timetable", "the new tram line"),
    },
    "waste": {
        "fr_problems": (
            "les poubelles débordent dans notre rue",
            "un dépôt sauvage d'ordures sur le trottoir",
            "la collecte des déchets n'est pas passée cette semaine",
        ),
        "en_problems": (
            "the bins are overflowing in our street",
            "someone dumped rubbish bags on the pavement",
            "the garbage collection did not come this week",
        ),
        "fr_services": ("le ramassage des encombrants", "le tri sélectif"),
        "en_services": ("the bulky waste collection", "recycling collection days"),
    },
    "water": {
        "fr_problems": (
            "!plus d'eau au robinet depuis ce matin dans tout l'immeuble",
            "une fuite d'eau sur la canalisation devant chez moi",
            "l'eau du robinet est marron et sent mauvais",
        ),
        "en_problems": (
            "!no tap water since this morning in the whole building",
            "a water main leaking in front of my house",
            "the tap water is brown and smells bad",
        ),
        "fr_services": ("la facture d'eau", "la qualité de l'eau potable"),
        "en_services": ("the water supply works", "drinking water quality"),
    },
    "sewage_sanitation": {
        "fr_problems": (
            "les égouts refoulent dans la rue, ça sent très mauvais",
            "une bouche d'égout bouchée qui déborde",
            "les toilettes publiques du marché sont insalubres",
        ),
        "en_problems": (
            "the sewer is backing up into the street and it stinks",
            "a blocked drain overflowing with dirty water",
            "the public toilets at the market are filthy",
        ),
        "fr_services": ("le curage des égouts", "l'assainissement du quartier"),
        "en_services": ("the sewer cleaning", "the drainage works in the area"),
    },
    "street_lighting": {
        "fr_problems": (
            "le lampadaire devant le numéro 8 ne s'allume plus",
            "toute la rue est plongée dans le noir, l'éclairage public est en panne",
            "un réverbère clignote toute la nuit",
        ),
        "en_problems": (
            "the streetlight outside number 8 is not working",
            "the whole street is dark, the street lighting is out",
            "a street lamp keeps flickering all night",
        ),
        "fr_services": ("l'éclairage public", "les nouveaux lampadaires LED"),
        "en_services": ("the street lighting", "the new LED street lamps"),
    },
    "energy": {
        "fr_problems": (
            "!coupure d'électricité dans tout le quartier depuis hier",
            "le chauffage collectif ne fonctionne plus",
            "des câbles électriques pendent d'un poteau",
        ),
        "en_problems": (
            "!power cut across the whole neighbourhood since yesterday",
            "the district heating has stopped working",
            "electric cables hanging down from a pole",
        ),
        "fr_services": ("les aides pour la rénovation énergétique", "les panneaux solaires"),
        "en_services": ("energy saving grants", "solar panels on public buildings"),
    },
    "environment": {
        "fr_problems": (
            "une odeur de fumée toxique venant de l'usine",
            "la pollution de l'air est insupportable aujourd'hui",
            "des arbres abattus sans autorisation le long de la rivière",
        ),
        "en_problems": (
            "a toxic smoke smell coming from the factory",
            "the air pollution is unbearable today",
            "trees cut down without permission along the river",
        ),
        "fr_services": ("la qualité de l'air", "la plantation d'arbres"),
        "en_services": ("air quality monitoring", "the tree planting programme"),
    },
    "noise": {
        "fr_problems": (
            "du tapage nocturne tous les soirs au bar d'en face",
            "des travaux très bruyants dès six heures du matin",
            "la musique à fond chez les voisins jusqu'à trois heures",
        ),
        "en_problems": (
            "loud noise every night from the bar opposite",
            "very noisy construction work from six in the morning",
            "the neighbours play loud music until three in the morning",
        ),
        "fr_services": ("la lutte contre les nuisances sonores", "les horaires de chantier"),
        "en_services": ("noise control", "the permitted hours for building works"),
    },
    "parks": {
        "fr_problems": (
            "les jeux pour enfants du parc sont cassés",
            "le jardin public n'est plus entretenu, l'herbe est haute",
            "les bancs du square ont été vandalisés",
        ),
        "en_problems": (
            "the children's playground in the park is broken",
            "the public garden is not maintained, the grass is knee high",
            "the benches in the square have been vandalised",
        ),
        "fr_services": ("l'ouverture du parc le dimanche", "le nouveau jardin partagé"),
        "en_services": ("the park opening hours", "the new community garden"),
    },
    "housing_shelter": {
        "fr_problems": (
            "!une famille avec deux enfants dort dans la rue ce soir",
            "mon logement social est infesté de cafards",
            "nous attendons un logement depuis trois ans",
        ),
        "en_problems": (
            "!a family with two children is sleeping on the street tonight",
            "my council flat is infested with cockroaches",
            "we have been waiting for social housing for three years",
        ),
        "fr_services": ("la demande de logement social", "l'hébergement d'urgence"),
        "en_services": ("the social housing application", "emergency shelter places"),
    },
    "buildings": {
        "fr_problems": (
            "!des fissures énormes sur la façade de l'immeuble",
            "le toit de l'école laisse passer la pluie",
            "un bâtiment abandonné squatté et dangereux",
        ),
        "en_problems": (
            "!huge cracks in the front wall of the building",
            "the school roof is leaking when it rains",
            "an abandoned building that is unsafe",
        ),
        "fr_services": ("la rénovation de la mairie annexe", "l'accessibilité des bâtiments"),
        "en_services": ("the town hall renovation", "wheelchair access to public buildings"),
    },
    "health": {
        "fr_problems": (
            "!ma mère a besoin de médicaments et la pharmacie est fermée",
            "le centre de santé est fermé sans prévenir",
            "des seringues traînent près de l'école",
        ),
        "en_problems": (
            "!my mother needs her medicine and the pharmacy is closed",
            "the health centre closed without notice",
            "used needles lying around near the school",
        ),
        "fr_services": ("la campagne de vaccination", "les horaires du centre de santé"),
        "en_services": ("the vaccination campaign", "the health centre opening hours"),
    },
    "food_aid": {
        "fr_problems": (
            "!nous n'avons plus rien à manger depuis deux jours",
            "la distribution alimentaire n'a pas eu lieu",
            "les colis alimentaires sont arrivés périmés",
        ),
        "en_problems": (
            "!we have had nothing to eat for two days",
            "the food distribution did not take place",
            "the food parcels arrived out of date",
        ),
        "fr_services": ("la banque alimentaire", "les repas à domicile pour les aînés"),
        "en_services": ("the food bank", "meals on wheels for the elderly"),
    },
    "social_services": {
        "fr_problems": (
            "mon dossier d'aide sociale est bloqué depuis des mois",
            "personne ne répond au CCAS",
            "ma voisine âgée est isolée et sans aide",
        ),
        "en_problems": (
            "my benefits claim has been stuck for months",
            "nobody answers at social services",
            "my elderly neighbour is isolated with no support",
        ),
        "fr_services": ("l'aide sociale", "l'accompagnement des personnes âgées"),
        "en_services": ("social support", "home care for elderly people"),
    },
    "education": {
        "fr_problems": (
            "la cantine scolaire sert des repas froids",
            "pas de place en crèche pour mon fils",
            "le chauffage de l'école primaire est en panne",
        ),
        "en_problems": (
            "the school canteen is serving cold meals",
            "no nursery place for my son",
            "the heating at the primary school is broken",
        ),
        "fr_services": ("les inscriptions scolaires", "les activités périscolaires"),
        "en_services": ("school registration", "after-school activities"),
    },
    "public_safety": {
        "fr_problems": (
            "des vols de voitures à répétition dans le parking",
            "un groupe deale devant l'entrée de l'immeuble",
            "!des individus menaçants rôdent devant l'école",
        ),
        "en_problems": (
            "repeated car thefts in the car park",
            "people dealing drugs at the entrance of the building",
            "!threatening people hanging around outside the school",
        ),
        "fr_services": ("la police municipale", "la vidéoprotection"),
        "en_services": ("community policing", "the CCTV cameras"),
    },
    "emergency_rescue": {
        "fr_problems": (
            "!une personne est coincée sous les décombres",
            "!un blessé grave sur le bord de la route",
            "!des gens sont bloqués sur le toit à cause de l'eau",
        ),
        "en_problems": (
            "!a person is trapped under the rubble",
            "!a badly injured man lying by the road",
            "!people stranded on their roof because of the water",
        ),
        "fr_services": ("les secours", "le plan communal de sauvegarde"),
        "en_services": ("the emergency services", "the emergency plan"),
    },
    "taxes_payments": {
        "fr_problems": (
            "j'ai été prélevé deux fois pour la taxe foncière",
            "ma facture de cantine est fausse",
            "le paiement en ligne ne fonctionne pas",
        ),
        "en_problems": (
            "I was charged twice for council tax",
            "my school meals invoice is wrong",
            "the online payment does not work",
        ),
        "fr_services": ("la taxe d'habitation", "le paiement en plusieurs fois"),
        "en_services": ("council tax", "paying in instalments"),
    },
    "permits_documents": {
        "fr_problems": (
            "impossible d'obtenir un rendez-vous pour ma carte d'identité",
            "mon permis de construire est en attente depuis six mois",
            "l'acte de naissance que j'ai reçu comporte une erreur",
        ),
        "en_problems": (
            "impossible to get an appointment for my passport",
            "my building permit has been pending for six months",
            "the birth certificate I received has a mistake",
        ),
        "fr_services": ("le renouvellement du passeport", "les démarches d'état civil"),
        "en_services": ("passport renewal", "registering a birth"),
    },
    "civic_participation": {
        "fr_problems": (
            "le compte rendu du conseil municipal n'est pas publié",
            "ma carte électorale n'est jamais arrivée",
            "personne n'a répondu à notre pétition",
        ),
        "en_problems": (
            "the council meeting minutes were never published",
            "my polling card never arrived",
            "nobody answered our petition",
        ),
        "fr_services": ("le budget participatif", "la réunion publique de quartier"),
        "en_services": ("the participatory budget", "the neighbourhood public meeting"),
    },
    "culture_sports": {
        "fr_problems": (
            "la piscine municipale est encore fermée",
            "le terrain de foot est inondé et impraticable",
            "la bibliothèque a réduit ses horaires",
        ),
        "en_problems": (
            "the municipal swimming pool is closed again",
            "the football pitch is waterlogged and unusable",
            "the library has cut its opening hours",
        ),
        "fr_services": ("le festival d'été", "les cours de natation"),
        "en_services": ("the summer festival", "the swimming lessons"),
    },
    "other": {
        "fr_problems": (
            "votre site internet ne fonctionne pas",
            "je n'arrive pas à joindre le standard",
            "je ne sais pas à qui m'adresser",
        ),
        "en_problems": (
            "your website is down",
            "I cannot get through on the phone",
            "I don't know who to talk to",
        ),
        "fr_services": ("votre page Facebook", "la lettre d'information"),
        "en_services": ("your Facebook page", "the newsletter"),
    },
}

PLACES = {
    "fr": ("rue Victor Hugo", "avenue Jean Jaurès", "près de la gare", "place du marché", ""),
    "en": ("on Elm Street", "on Station Road", "near the station", "by the market square", ""),
}

# intent -> templates per language; {p} = problem, {s} = service, {w} = place.
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "report": {
        "fr": ("Je vous signale {p} {w}.", "Signalement : {p} {w}", "Pour info, {p} {w}."),
        "en": ("Just reporting {p} {w}.", "Report: {p} {w}", "FYI there is {p} {w}."),
    },
    "complaint": {
        "fr": (
            "C'est inadmissible, {p} {w} depuis des semaines et personne ne fait rien !",
            "Ras-le-bol : {p} {w}. Vous attendez quoi ?",
            "Encore une fois {p} {w}, c'est scandaleux.",
        ),
        "en": (
            "This is unacceptable, {p} {w} for weeks and nobody does anything!",
            "Fed up: {p} {w}. What are you waiting for?",
            "Once again {p} {w}, it's a disgrace.",
        ),
    },
    "request": {
        "fr": (
            "Pouvez-vous envoyer quelqu'un ? {p} {w}.",
            "Merci d'intervenir rapidement : {p} {w}.",
            "Bonjour, pourriez-vous faire le nécessaire, {p} {w}.",
        ),
        "en": (
            "Can you send someone please? {p} {w}.",
            "Please fix this quickly: {p} {w}.",
            "Hello, could you deal with it, {p} {w}.",
        ),
    },
    "question": {
        "fr": (
            "Bonjour, à qui dois-je m'adresser pour {s} ?",
            "Savez-vous quand est prévu(e) {s} ?",
            "Une question : comment fonctionne {s} ?",
        ),
        "en": (
            "Hi, who should I contact about {s}?",
            "Do you know when {s} is planned?",
            "Quick question: how does {s} work?",
        ),
    },
    "suggestion": {
        "fr": (
            "Ce serait bien d'améliorer {s} {w}.",
            "Je propose de revoir {s}, ça rendrait service à tout le monde.",
            "Une idée : pourquoi ne pas étendre {s} au quartier ?",
        ),
        "en": (
            "It would be great to improve {s} {w}.",
            "I suggest you rethink {s}, it would help everyone.",
            "An idea: why not extend {s} to our area?",
        ),
    },
    "praise": {
        "fr": (
            "Un grand merci pour {s}, bravo aux équipes !",
            "Super travail sur {s}, on est ravis.",
            "Félicitations pour {s}, c'est vraiment top.",
        ),
        "en": (
            "Big thanks for {s}, well done to the teams!",
            "Great job on {s}, we are delighted.",
            "Congratulations on {s}, really excellent.",
        ),
    },
}
