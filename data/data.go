// Package data embeds the reference and demo data that Atalaya ships with:
// the ICCS v1.0 code list, the national code mappings, the OAS member states
// and the boundaries of the Americas, and Mexico's SESNSP victims,
// population and state boundaries. Each folder has its PROVENANCE file; the
// attributions the licences ask for are in Attributions.
package data

import "embed"

// FS holds the embedded files, under iccs/, mappings/, americas/,
// mexico/ and lapd/ (1,000 geolocated LAPD incidents of 2020, for the
// demo's point analyses), and the indicator catalogue indicators.yaml.
//
//go:embed iccs/*.csv mappings/*.csv americas/* mexico/* lapd/* indicators.yaml
var FS embed.FS

// Attribution is a credit line that must be shown wherever the data is.
type Attribution struct {
	Data string
	Text string
}

// Attributions lists the credits the licences of the embedded data ask for.
func Attributions() []Attribution {
	return []Attribution{
		{"Mexico state boundaries", "Fuente: INEGI, Marco Geoestadístico (áreas geoestadísticas estatales). Simplificado y reproyectado a WGS84."},
		{"Victims (Mexico)", "Fuente: SESNSP, Datos Abiertos de Incidencia Delictiva (víctimas, fuero común), vía datos_facil_acceso."},
		{"Population (Mexico)", "Fuente: CONAPO, proyecciones de población (derivado de tasas publicadas)."},
		{"Country boundaries", "Made with Natural Earth (1:50m, public domain)."},
		{"Incidents (Los Angeles)", "Source: City of Los Angeles, Crime Data from 2020 to Present (LAPD); a convenience sample of 1,000 incidents."},
		{"UNODC data", "Source: UNODC, UN-CTS (dataUNODC)."},
		{"Population (countries)", "World Bank, World Development Indicators, SP.POP.TOTL (via github.com/datasets/population, ODC-PDDL-1.0)."},
		{"ICCS", "UNODC, International Classification of Crime for Statistical Purposes v1.0 (2015); code list compiled by the Atalaya project, see data/iccs/PROVENANCE.md."},
	}
}
