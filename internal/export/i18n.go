package export

import (
	"github.com/oas-atalaya/atalaya"
)

// words holds the texts of the XLSX "About" sheet and the names of the SDMX
// concepts and codes, in English, Spanish, Portuguese and French (the order
// of indicator.Languages).
var words = map[string][4]string{
	// The About sheet.
	"about.indicator":  {"Indicator", "Indicador", "Indicador", "Indicateur"},
	"about.id":         {"Identifier", "Identificador", "Identificador", "Identifiant"},
	"about.sdg":        {"SDG indicator", "Indicador ODS", "Indicador ODS", "Indicateur ODD"},
	"about.definition": {"Definition", "Definición", "Definição", "Définition"},
	"about.multiplier": {"Multiplier (rate per)", "Multiplicador (tasa por)", "Multiplicador (taxa por)", "Multiplicateur (taux pour)"},
	"about.query":      {"Query", "Consulta", "Consulta", "Requête"},
	"about.generated":  {"Generated", "Generado", "Gerado em", "Généré le"},
	"about.sources":    {"Sources", "Fuentes", "Fontes", "Sources"},
	"about.note":       {"Note", "Nota", "Nota", "Remarque"},
	"about.empty": {
		"An empty cell is not a zero: the figure is suppressed or not available, and the flags and not_available columns say why.",
		"Una celda vacía no es un cero: la cifra está suprimida o no está disponible, y las columnas flags y not_available dicen por qué.",
		"Uma célula vazia não é um zero: o valor foi suprimido ou não está disponível, e as colunas flags e not_available dizem por quê.",
		"Une cellule vide n'est pas un zéro : le chiffre est masqué ou indisponible, et les colonnes flags et not_available en donnent la raison.",
	},
	"about.flags":  {"Flags (column flags)", "Marcas (columna flags)", "Marcas (coluna flags)", "Marques (colonne flags)"},
	"about.status": {"Status (column status)", "Estado (columna status)", "Situação (coluna status)", "Statut (colonne status)"},

	// Flags.
	"flag." + atalaya.FlagSmallCount: {"fewer than 20 events: the rate is unstable", "menos de 20 casos: la tasa es inestable",
		"menos de 20 casos: a taxa é instável", "moins de 20 cas : le taux est instable"},
	"flag." + atalaya.FlagSuppressed: {"hidden by disclosure control (a small count)", "oculta por control de divulgación (un conteo pequeño)",
		"ocultado pelo controle de divulgação (uma contagem pequena)", "masqué par le contrôle de la divulgation (un petit effectif)"},
	"flag." + atalaya.FlagProvisional: {"not yet published", "aún no publicada", "ainda não publicado", "pas encore publié"},
	"flag." + atalaya.FlagPartialPeriod: {"months of the period are missing", "faltan meses del período",
		"faltam meses do período", "des mois de la période manquent"},
	"flag." + atalaya.FlagCoverage: {"not every sub-area reports", "no todas las subáreas reportan",
		"nem todas as subáreas informam", "toutes les sous-zones ne déclarent pas"},
	"flag." + atalaya.FlagNotAvailable: {"the inputs the indicator needs are missing", "faltan los datos que el indicador necesita",
		"faltam os dados de que o indicador precisa", "les données dont l'indicateur a besoin manquent"},

	// Statuses.
	"status." + string(atalaya.StatusPublished): {"published: the final figure", "publicada: la cifra definitiva",
		"publicado: o valor definitivo", "publié : le chiffre définitif"},
	"status." + string(atalaya.StatusValidated): {"validated by the source, not yet published", "validada por la fuente, aún no publicada",
		"validado pela fonte, ainda não publicado", "validé par la source, pas encore publié"},
	"status." + string(atalaya.StatusPreliminary): {"preliminary: may change", "preliminar: puede cambiar",
		"preliminar: pode mudar", "provisoire : peut changer"},

	// SDMX concepts.
	"FREQ":         {"Frequency", "Frecuencia", "Frequência", "Fréquence"},
	"REF_AREA":     {"Reference area", "Área de referencia", "Área de referência", "Zone de référence"},
	"INDICATOR":    {"Indicator", "Indicador", "Indicador", "Indicateur"},
	"ICCS":         {"Offence (ICCS)", "Delito (ICCS)", "Crime (ICCS)", "Infraction (ICCS)"},
	"SEX":          {"Sex", "Sexo", "Sexo", "Sexe"},
	"AGE":          {"Age", "Edad", "Idade", "Âge"},
	"WEAPON":       {"Weapon", "Arma", "Arma", "Arme"},
	"CONTEXT":      {"Situational context", "Contexto situacional", "Contexto situacional", "Contexte situationnel"},
	"SOURCE_TYPE":  {"Source type", "Tipo de fuente", "Tipo de fonte", "Type de source"},
	"UNIT_MEASURE": {"Unit of measure", "Unidad de medida", "Unidade de medida", "Unité de mesure"},
	"TIME_PERIOD":  {"Time period", "Período", "Período", "Période"},
	"OBS_VALUE":    {"Observation value", "Valor", "Valor", "Valeur"},
	"OBS_STATUS":   {"Observation status", "Estado de la observación", "Situação da observação", "Statut de l'observation"},
	"CONF_STATUS":  {"Confidentiality status", "Estado de confidencialidad", "Situação de confidencialidade", "Statut de confidentialité"},
	"MULTIPLIER":   {"Multiplier (rate per)", "Multiplicador (tasa por)", "Multiplicador (taxa por)", "Multiplicateur (taux pour)"},
	"LOWER_BOUND":  {"Lower confidence bound", "Límite inferior de confianza", "Limite inferior de confiança", "Borne inférieure de confiance"},
	"UPPER_BOUND":  {"Upper confidence bound", "Límite superior de confianza", "Limite superior de confiança", "Borne supérieure de confiance"},
	"STANDARD":     {"Standard population", "Población estándar", "População padrão", "Population type"},
	"COVERAGE":     {"Coverage (share of sub-areas reporting)", "Cobertura (proporción de subáreas que reportan)", "Cobertura (proporção de subáreas que informam)", "Couverture (part des sous-zones déclarantes)"},
	"MONTHS":       {"Months reported", "Meses reportados", "Meses informados", "Mois déclarés"},
	"TOTAL_OF":     {"Total of the breakdown by", "Total del desglose por", "Total da desagregação por", "Total de la ventilation par"},
	"FLAGS":        {"Flags", "Marcas", "Marcas", "Marques"},
	"COMMENT":      {"Why there is no figure", "Por qué no hay cifra", "Por que não há valor", "Pourquoi il n'y a pas de chiffre"},

	// SDMX codes, by concept.
	"FREQ.A":                          {"Annual", "Anual", "Anual", "Annuel"},
	"FREQ.Q":                          {"Quarterly", "Trimestral", "Trimestral", "Trimestriel"},
	"FREQ.M":                          {"Monthly", "Mensual", "Mensal", "Mensuel"},
	"FREQ._Z":                         {"Range of periods", "Rango de períodos", "Intervalo de períodos", "Plage de périodes"},
	"SEX.F":                           {"Female", "Mujeres", "Mulheres", "Femmes"},
	"SEX.M":                           {"Male", "Hombres", "Homens", "Hommes"},
	"SEX.U":                           {"Not stated", "No especificado", "Não especificado", "Non précisé"},
	"SEX._T":                          {"Total", "Total", "Total", "Total"},
	"AGE.U":                           {"Not stated", "No especificada", "Não especificada", "Non précisé"},
	"AGE._T":                          {"All ages", "Todas las edades", "Todas as idades", "Tous âges"},
	"WEAPON.firearm":                  {"Firearm", "Arma de fuego", "Arma de fogo", "Arme à feu"},
	"WEAPON.sharp":                    {"Sharp object", "Arma blanca", "Arma branca", "Arme blanche"},
	"WEAPON.other":                    {"Other weapon", "Otra arma", "Outra arma", "Autre arme"},
	"WEAPON.none":                     {"No weapon (bodily force)", "Sin arma (fuerza física)", "Sem arma (força física)", "Sans arme (force physique)"},
	"WEAPON.U":                        {"Not stated", "No especificada", "Não especificada", "Non précisée"},
	"WEAPON._T":                       {"Total", "Total", "Total", "Total"},
	"CONTEXT.femicide":                {"Femicide", "Feminicidio", "Feminicídio", "Féminicide"},
	"CONTEXT.organised_crime":         {"Organised crime", "Crimen organizado", "Crime organizado", "Crime organisé"},
	"CONTEXT.intimate_partner_family": {"Intimate partner or family", "Pareja o familia", "Parceiro íntimo ou família", "Partenaire intime ou famille"},
	"CONTEXT.cyber":                   {"Cyber-related", "Cibernético", "Cibernético", "Cyber"},
	"CONTEXT._T":                      {"Total", "Total", "Total", "Total"},
	"SOURCE_TYPE.police":              {"Police", "Policía", "Polícia", "Police"},
	"SOURCE_TYPE.prosecution":         {"Prosecution", "Fiscalía", "Ministério Público", "Parquet"},
	"SOURCE_TYPE.health":              {"Health services", "Servicios de salud", "Serviços de saúde", "Services de santé"},
	"SOURCE_TYPE.prison":              {"Prison administration", "Sistema penitenciario", "Sistema prisional", "Administration pénitentiaire"},
	"SOURCE_TYPE.survey":              {"Survey", "Encuesta", "Pesquisa", "Enquête"},
	"SOURCE_TYPE.international":       {"International compilation", "Compilación internacional", "Compilação internacional", "Compilation internationale"},
	"SOURCE_TYPE.statistics":          {"Statistics office", "Oficina de estadística", "Instituto de estatística", "Institut de statistique"},
	"SOURCE_TYPE._Z":                  {"Not applicable", "No aplica", "Não se aplica", "Sans objet"},
	"UNIT_MEASURE.VICTIM":             {"Victims", "Víctimas", "Vítimas", "Victimes"},
	"UNIT_MEASURE.OFFENCE":            {"Offences", "Delitos", "Crimes", "Infractions"},
	"UNIT_MEASURE.PERSON":             {"Persons", "Personas", "Pessoas", "Personnes"},
	"UNIT_MEASURE.RATE":               {"Rate (per MULTIPLIER inhabitants)", "Tasa (por MULTIPLIER habitantes)", "Taxa (por MULTIPLIER habitantes)", "Taux (pour MULTIPLIER habitants)"},
	"UNIT_MEASURE.PERCENT":            {"Percentage", "Porcentaje", "Percentagem", "Pourcentage"},
	"UNIT_MEASURE.RATIO":              {"Ratio", "Razón", "Razão", "Ratio"},
	"UNIT_MEASURE.POPULATION":         {"Population (denominator of the rate)", "Población (denominador de la tasa)", "População (denominador da taxa)", "Population (dénominateur du taux)"},
	"UNIT_MEASURE.DENOMINATOR":        {"Denominator (in the count's unit)", "Denominador (en la unidad del conteo)", "Denominador (na unidade da contagem)", "Dénominateur (dans l'unité du compte)"},
	"UNIT_MEASURE._Z":                 {"Not stated", "No especificada", "Não especificada", "Non précisée"},
	"OBS_STATUS.A":                    {"Normal value", "Valor normal", "Valor normal", "Valeur normale"},
	"OBS_STATUS.P":                    {"Provisional value", "Valor provisional", "Valor provisório", "Valeur provisoire"},
	"OBS_STATUS.O":                    {"Missing value", "Valor faltante", "Valor ausente", "Valeur manquante"},
	"CONF_STATUS.F":                   {"Free", "Libre", "Livre", "Libre"},
	"CONF_STATUS.C":                   {"Confidential (suppressed)", "Confidencial (suprimida)", "Confidencial (suprimido)", "Confidentiel (masqué)"},
}

// word returns a text in the language ("en", "es", "pt", "fr"), or "" when
// there is none.
func word(key, lang string) string {
	w, ok := words[key]
	if !ok {
		return ""
	}
	switch lang {
	case "es":
		return w[1]
	case "pt":
		return w[2]
	case "fr":
		return w[3]
	}
	return w[0]
}
