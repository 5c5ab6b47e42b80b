package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"github.com/sobang/sobang/themes"
)

func newThemesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "themes",
		Short: "List the colour themes with a preview line",
		Long: `themes lists the built-in themes and the user's own, read from
` + "`" + `<config dir>/sobang/themes/*.toml` + "`" + ` (on Linux ~/.config/sobang/themes). A user theme
with a built-in's name replaces it. Select one with --theme NAME; NO_COLOR
turns colour off whatever the theme.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := themes.List(themes.UserDir())
			if err != nil {
				return &exitError{exitUsage, err}
			}
			var b strings.Builder
			w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
			for _, info := range list {
				if info.Err != nil {
					fmt.Fprintf(w, "%s\t%s\terror: %v\n", info.Name, info.Source, info.Err)
					continue
				}
				t := info.Theme
				if themes.NoColorRequested() {
					t = themes.Plain()
				}
				fmt.Fprintf(w, "%s\t%s\t%s\n", info.Name, info.Source, themes.Preview(t))
			}
			if err := w.Flush(); err != nil {
				return err
			}
			// Fprint downsamples the previews' colours to what the terminal shows.
			_, err = lipgloss.Fprint(cmd.OutOrStdout(), b.String())
			return err
		},
	}
}
