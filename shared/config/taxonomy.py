"""The topic taxonomy Agora ships: every agency starts from it, and may replace it in agora.yaml."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicDescription:
    id: str
    fr: str
    en: str


DEFAULT_TOPICS: tuple[TopicDescription, ...] = (
    TopicDescription(
        "roads", "Voirie : chaussée, trottoirs, nids-de-poule", "Roads, pavements, potholes"
    ),
    TopicDescription("traffic_parking", "Circulation et stationnement", "Traffic and parking"),
    TopicDescription("public_transport", "Transports en commun", "Public transport"),
    TopicDescription("waste", "Déchets, collecte, propreté", "Waste, collection, litter"),
    TopicDescription("water", "Eau potable, fuites, coupures", "Drinking water, leaks, cuts"),
    TopicDescription("sewage_sanitation", "Égouts et assainissement", "Sewers and sanitation"),
    TopicDescription("street_lighting", "Éclairage public", "Street lighting"),
    TopicDescription(
        "energy", "Énergie : électricité, gaz, chauffage", "Energy: power, gas, heating"
    ),
    TopicDescription(
        "environment", "Environnement, pollution, arbres", "Environment, pollution, trees"
    ),
    TopicDescription("noise", "Bruit et nuisances sonores", "Noise"),
    TopicDescription("parks", "Parcs, jardins, aires de jeux", "Parks, gardens, playgrounds"),
    TopicDescription("housing_shelter", "Logement et hébergement d'urgence", "Housing and shelter"),
    TopicDescription("buildings", "Bâtiments publics, immeubles, travaux", "Buildings and works"),
    TopicDescription("health", "Santé", "Health"),
    TopicDescription("food_aid", "Aide alimentaire", "Food aid"),
    TopicDescription("social_services", "Action sociale, aides", "Social services and benefits"),
    TopicDescription("education", "Écoles, crèches, périscolaire", "Schools, nurseries, childcare"),
    TopicDescription("public_safety", "Sécurité et tranquillité publiques", "Public safety"),
    TopicDescription("emergency_rescue", "Secours et urgences", "Emergencies and rescue"),
    TopicDescription("taxes_payments", "Impôts, factures, paiements", "Taxes, bills, payments"),
    TopicDescription(
        "permits_documents", "Démarches, papiers d'identité, permis", "Permits and documents"
    ),
    TopicDescription(
        "civic_participation",
        "Participation citoyenne, élections",
        "Civic participation, elections",
    ),
    TopicDescription("culture_sports", "Culture et sports", "Culture and sports"),
    TopicDescription("other", "Autre", "Other"),
)
