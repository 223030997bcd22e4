"""Default French and English lexicons of the rule-based dimensions (written for Agora)."""

TOPIC = {
    "roads": ["nid de poule", "nids de poule", "nid-de-poule", "chaussee", "trottoir",
              "pothole", "potholes", "road", "pavement", "sidewalk", "voirie"],
    "traffic_parking": ["stationnement", "parking", "se garer", "feu rouge", "embouteillage",
                        "traffic", "traffic light", "parked"],
    "public_transport": ["tram", "bus", "metro", "ligne", "arret", "tcl", "train", "stop"],
    "waste": ["poubelle", "poubelles", "dechets", "ordures", "encombrants", "ramassage",
              "collecte", "bin", "bins", "garbage", "rubbish", "trash", "waste", "litter"],
    "water": ["fuite d'eau", "eau", "canalisation", "water", "leak", "tap water"],
    "sewage_sanitation": ["egout", "egouts", "assainissement", "sewer", "sewage", "drain"],
    "street_lighting": ["lampadaire", "lampadaires", "eclairage", "streetlight", "street light",
                        "street lamp", "lamp post"],
    "noise": ["bruit", "tapage", "nuisances sonores", "noise", "noisy", "loud music"],
    "parks": ["parc", "jardin", "square", "aire de jeux", "park", "playground", "garden"],
    "housing_shelter": ["logement", "hebergement", "sans abri", "housing", "shelter", "homeless"],
    "permits_documents": ["passeport", "carte d'identite", "rendez-vous", "etat civil",
                          "permis", "passport", "id card", "appointment", "permit"],
    "taxes_payments": ["impot", "impots", "taxe", "facture", "paiement", "tax", "bill",
                       "payment", "invoice"],
    "social_services": ["ccas", "aide sociale", "allocation", "social services", "benefits"],
    "energy": ["gaz", "gas", "electricite", "coupure de courant", "power cut", "electricity"],
    "emergency_rescue": ["pompiers", "secours", "firefighters", "rescue", "ambulance"],
}

INTENT = {
    "question": ["?", "comment", "pourquoi", "quand", "est-ce que", "how", "why", "when",
                 "where", "can i", "is it"],
    "complaint": ["toujours pas", "inadmissible", "scandale", "honte", "ras le bol", "marre",
                  "still not", "unacceptable", "disgrace", "fed up", "ridiculous"],
    "report": ["signaler", "signale", "il y a", "report", "there is", "broken", "casse",
               "en panne", "not working"],
    "request": ["pourriez-vous", "merci de", "svp", "s'il vous plait", "please", "could you"],
    "suggestion": ["suggestion", "proposer", "propose", "pourquoi pas", "suggest", "would be nice",
                   "idee", "idea"],
    "praise": ["merci", "bravo", "felicitations", "super", "thank you", "thanks", "great job",
               "well done"],
}

SENTIMENT = {
    "negative": ["inadmissible", "scandale", "honte", "nul", "colere", "marre", "dangereux",
                 "terrible", "awful", "angry", "disgrace", "unacceptable", "dangerous", "worst"],
    "positive": ["merci", "bravo", "super", "genial", "parfait", "thanks", "thank you", "great",
                 "excellent", "perfect", "love"],
}

# Rules first where lives are at stake: any of these makes the message critical.
EMERGENCY = {
    "critical": [
        "fuite de gaz", "odeur de gaz", "gas leak", "smell of gas", "incendie", "au feu", "fire",
        "inondation", "inonde", "flooding", "flooded", "effondrement", "effondre", "collapse",
        "collapsed", "suicide", "me suicider", "en finir", "kill myself", "end my life",
        "violence", "agression", "assault", "menace de mort", "death threat", "blesse",
        "injured", "explosion",
    ],
}

TOXIC = {
    "toxic": ["connard", "connards", "abruti", "abrutis", "incapables", "idiot", "idiots",
              "cretin", "stupid", "morons", "moron", "imbeciles", "ta gueule", "shut up"],
}

SPAM = {
    "spam": ["gagnez", "gratuit", "cliquez ici", "bitcoin", "crypto", "promo", "casino",
             "win", "free money", "click here", "viagra", "earn $", "loan offer"],
}
