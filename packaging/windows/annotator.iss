; Inno Setup 6 script: a per-user (or all-users) installer for the PyInstaller bundle.
;
; On Windows, after `make bundle` (or the pyinstaller line in docs/packaging.md):
;   iscc /DAppVersion=0.1.0 packaging\windows\annotator.iss
; writes dist\Annotator-0.1.0-setup.exe. The bundle folder is dist\annotator\ with
; annotator.exe (the window, no console) and annotator-cli.exe (console: --version,
; --self-test, subcommands).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Annotator"
#define BundleDir "..\..\dist\annotator"

[Setup]
; a fixed GUID-like AppId keeps upgrades in place; never change it after a release
AppId={{6F1E0C52-5B7A-4C3E-9B8E-2A7D4E0C9A61}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The annotator developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; per-user install by default (no admin rights needed); the user may choose all users
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=Annotator-{#AppVersion}-setup
SetupIconFile=annotator.ico
UninstallDisplayIcon={app}\annotator.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open .annotator project files with {#AppName}"; GroupDescription: "File types:"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\annotator.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\annotator.exe"; Tasks: desktopicon

[Registry]
; .annotator -> Annotator.Project -> "annotator.exe" "<file>" (cli.py treats a lone *.annotator as --project)
Root: HKA; Subkey: "Software\Classes\.annotator"; ValueType: string; ValueName: ""; ValueData: "Annotator.Project"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.annotator\OpenWithProgids"; ValueType: string; ValueName: "Annotator.Project"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Annotator.Project"; ValueType: string; ValueName: ""; ValueData: "Annotator project"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Annotator.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\annotator.exe,0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Annotator.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\annotator.exe"" ""%1"""; Tasks: associate

[Run]
; offer to start the app on the last page of the wizard
Filename: "{app}\annotator.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
