/** Realistic Spanish names and addresses for the demo generator (Valencian Community mostly). */
export const STREETS = [
  'Calle de Colón', 'Avenida del Puerto', 'Calle de la Paz', 'Gran Vía Marqués del Turia', 'Calle de Cirilo Amorós',
  'Avenida de Blasco Ibáñez', 'Calle de Sueca', 'Calle de Císcar', 'Avenida de Aragón', 'Calle del Doctor Sumsi',
  'Calle de Jesús', 'Avenida de Francia', 'Calle de Cuba', 'Calle Mayor', 'Calle de San Vicente Mártir',
  'Calle de Ruzafa', 'Avenida de Peris y Valero', 'Calle de Alboraya', 'Calle de Emilio Baró',
  'Calle del Músico Peydró',
];

export const TOWNS: { municipality: string; province: string; postalCodes: string[] }[] = [
  {
    municipality: 'València', province: 'Valencia',
    postalCodes: ['46001', '46004', '46005', '46006', '46010', '46020', '46023'],
  },
  { municipality: 'Torrent', province: 'Valencia', postalCodes: ['46900'] },
  { municipality: 'Gandia', province: 'Valencia', postalCodes: ['46700', '46702'] },
  { municipality: 'Paterna', province: 'Valencia', postalCodes: ['46980'] },
  { municipality: 'Alzira', province: 'Valencia', postalCodes: ['46600'] },
  { municipality: 'Alicante/Alacant', province: 'Alicante', postalCodes: ['03001', '03003', '03010'] },
  { municipality: 'Elche/Elx', province: 'Alicante', postalCodes: ['03202', '03203'] },
  { municipality: 'Castellón de la Plana', province: 'Castellón', postalCodes: ['12001', '12003'] },
  { municipality: 'Sagunto/Sagunt', province: 'Valencia', postalCodes: ['46500'] },
  { municipality: 'Dénia', province: 'Alicante', postalCodes: ['03700'] },
];

export const COMPANY_NAMES = [
  'Talleres Mecánicos Benlloch', 'Frutas Hermanos Soler', 'Clínica Dental Marítim', 'Ferretería La Llave',
  'Bar Restaurante El Racó',
  'Óptica Visión Turia', 'Peluquería Estilo Carmen', 'Carpintería Hnos. Vidal', 'Farmacia Ortí', 'Librería Papers',
  'Autoescuela Levante', 'Gimnasio Forma Activa', 'Floristería Les Roses', 'Imprenta Gráficas Sorolla',
  'Academia de Idiomas Babel',
  'Cafetería La Tertulia', 'Distribuciones Marí', 'Estudio de Arquitectura Calatrava Sáez', 'Asesoría Laboral Gil',
  'Pastelería Dolç',
  'Veterinaria Animalia', 'Electrodomésticos Ribera', 'Supermercado Família Roig', 'Heladería Valenciana',
  'Lavandería Neta',
  'Fisioterapia Moviment', 'Inmobiliaria Mediterráneo', 'Zapatería Pas a Pas',
];

export const COMMUNITY_STREETS = [
  'Calle Mayor 15', 'Avenida del Cid 42', 'Calle de Sagunto 120', 'Calle de Xàtiva 8', 'Avenida de Primado Reig 77',
  'Calle de Quart 33', 'Calle de Guillem de Castro 61', 'Calle de Burjassot 19', 'Avenida de Tarongers 5',
  'Calle de Buenos Aires 2',
  'Calle de Alicante 9', 'Calle de Pintor Benedito 14', 'Calle de Finlandia 6', 'Avenida de la Plata 29',
];

